package shop

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/alexedwards/scs/v2"

	"boutique/db"
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

// sessionStore keeps scs's sessions in the shop's SQLite file, in the table
// and format of scs's sqlite3store, through prepared statements: the
// store's own unprepared lookup was an eighth of a page's time. Its writes
// go through the shop's writer.
type sessionStore struct {
	q     *db.Queries
	write func(ctx context.Context, work func(ctx context.Context, q *db.Queries) error) error
	cache *liveCache[[]byte]
}

func (s sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	b, ok, writes := s.cache.get(token, time.Now())
	if ok {
		return b, true, nil
	}
	row, err := s.q.FindSession(ctx, token)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	s.cache.fill(token, row.Data, time.Unix(row.ExpiresUnix, 0), writes)
	return row.Data, true, nil
}

// CommitCtx writes a session, and keeps it in the cache in the same turn
// of the writer, so that the cache follows the order of the commits.
func (s sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	err := s.write(ctx, func(ctx context.Context, q *db.Queries) error {
		err := q.CommitSession(ctx, db.CommitSessionParams{Token: token, Data: b, Expiry: expiry.UTC().Format("2006-01-02T15:04:05.999")})
		if err == nil {
			s.cache.put(token, b, expiry)
		}
		return err
	})
	if err != nil {
		// Not committed after all: the database has it right.
		s.cache.forget(token)
	}
	return err
}

func (s sessionStore) DeleteCtx(ctx context.Context, token string) error {
	s.cache.forget(token)
	return s.write(ctx, func(ctx context.Context, q *db.Queries) error {
		s.cache.forget(token)
		return q.DeleteSession(ctx, token)
	})
}

func (s sessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

func (s sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

func (s sessionStore) Delete(token string) error { return s.DeleteCtx(context.Background(), token) }

// newSessions keeps sessions in the shop's own SQLite file (table
// sessions), so a restart keeps every shopper's bag. Expired sessions go
// in cleanBags's regular sweep.
func newSessions(store sessionStore, log *slog.Logger) *scs.SessionManager {
	sm := scs.New()
	sm.Store = store
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

// ensureBagID gives the session a bag id if it has none. Pages with a form
// that changes the bag call it, so that the session exists before the
// shopper's first change and concurrent changes all find the same bag.
func (app *App) ensureBagID(ctx context.Context) string {
	if id := app.bagID(ctx); id != "" {
		return id
	}
	var b [16]byte
	rand.Read(b[:])
	id := hex.EncodeToString(b[:])
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

// cleanBags deletes, every interval until stop is closed, expired
// sessions and the bags that no live session can point to any more.
func (app *App) cleanBags(interval time.Duration, stop <-chan struct{}) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-stop:
			return
		case <-ticker.C:
			if n, err := app.q.DeleteExpiredSessions(context.Background()); err != nil {
				app.log.Warn("cleaning expired sessions failed", "err", err)
			} else if n > 0 {
				app.log.Info("expired sessions deleted", "count", n)
			}
			cutoff := time.Now().Add(-sessionLifetime - time.Hour).UTC().Format("2006-01-02T15:04:05.000Z")
			n, err := app.q.DeleteBagsUpdatedBefore(context.Background(), cutoff)
			if err != nil {
				app.log.Warn("cleaning old bags failed", "err", err)
			} else if n > 0 {
				app.bags.clear()
				app.log.Info("old bags deleted", "count", n)
			}
		}
	}
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
