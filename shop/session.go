package shop

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/justinas/nosurf"

	"boutique/views"
)

// Session keys.
const (
	bagIDKey  = "bag_id"
	flashKey  = "flash"
	ordersKey = "orders"
)

// maxRememberedOrders bounds the orders a session can see the
// confirmation of.
const maxRememberedOrders = 20

// sessionLifetime is how long a session, and so a bag, lasts.
const sessionLifetime = 14 * 24 * time.Hour

// newSessions keeps sessions in the shop's own SQLite file (table
// sessions), so a restart keeps every shopper's bag. Expired sessions go
// in cleanSessions's regular sweep.
func newSessions(st scs.CtxStore, log *slog.Logger) *scs.SessionManager {
	sm := scs.New()
	sm.Store = st
	sm.Codec = sessionCodec{}
	sm.Lifetime = sessionLifetime
	sm.Cookie.Name = "boutique_session"
	sm.Cookie.Path = "/"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Persist = true
	// Secure is added per request by secureCookies, when the shopper's
	// connection is HTTPS.
	sm.Cookie.Secure = false
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		log.Error("session failed", "method", r.Method, "url", r.URL.String(), "err", err)
		http.Error(w, "Something went wrong. Please try again in a moment.", http.StatusInternalServerError)
	}
	return sm
}

// bagID is the id of the session's bag, "" when it has none yet.
func (app *App) bagID(ctx context.Context) string {
	return app.sessions.GetString(ctx, bagIDKey)
}

// ensureBagID gives the session a bag id if it has none, on the shopper's
// first change to the bag: pages only read the session, so a visitor who
// only browses stores nothing. Changes sent together before the browser
// has a session (a double click on the first add) each start a session of
// their own, so the id is not random but made from the browser's CSRF
// cookie, which every such change carries (nosurf checks it first): they
// all find the same bag, whichever session the browser keeps.
func (app *App) ensureBagID(r *http.Request) string {
	ctx := r.Context()
	if id := app.bagID(ctx); id != "" {
		return id
	}
	var id string
	if c, err := r.Cookie(nosurf.CookieName); err == nil && c.Value != "" {
		sum := sha256.Sum256([]byte("boutique bag\x00" + c.Value))
		id = hex.EncodeToString(sum[:16])
	} else {
		var b [16]byte
		rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	app.sessions.Put(ctx, bagIDKey, id)
	return id
}

// flash keeps a message for the next page the shopper sees, for answers
// that redirect.
func (app *App) flash(ctx context.Context, level, text string) {
	var ms []views.Message
	if old := app.sessions.GetString(ctx, flashKey); old != "" {
		json.Unmarshal([]byte(old), &ms)
	}
	ms = append(ms, views.Message{Level: level, Text: text})
	b, _ := json.Marshal(ms)
	app.sessions.Put(ctx, flashKey, string(b))
}

// popFlash takes the messages kept for this page.
func (app *App) popFlash(ctx context.Context) []views.Message {
	var ms []views.Message
	if s := app.sessions.PopString(ctx, flashKey); s != "" {
		json.Unmarshal([]byte(s), &ms)
	}
	return ms
}

// rememberOrder lets this session see an order's confirmation page.
func (app *App) rememberOrder(ctx context.Context, number string) {
	numbers := app.sessionOrders(ctx)
	if slices.Contains(numbers, number) {
		return
	}
	numbers = append(numbers, number)
	if len(numbers) > maxRememberedOrders {
		numbers = numbers[len(numbers)-maxRememberedOrders:]
	}
	b, _ := json.Marshal(numbers)
	app.sessions.Put(ctx, ordersKey, string(b))
}

// ownsOrder says whether this session placed an order.
func (app *App) ownsOrder(ctx context.Context, number string) bool {
	return slices.Contains(app.sessionOrders(ctx), number)
}

func (app *App) sessionOrders(ctx context.Context) []string {
	var numbers []string
	if s := app.sessions.GetString(ctx, ordersKey); s != "" {
		json.Unmarshal([]byte(s), &numbers)
	}
	return numbers
}
