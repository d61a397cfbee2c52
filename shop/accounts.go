package shop

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/a-h/templ"
	"golang.org/x/crypto/bcrypt"

	"boutique/orders"
	"boutique/store"
	"boutique/views"
)

// Session keys of a signed-in session: the account, and the session
// generation it was signed in at (see setPassword).
const (
	userIDKey  = "user_id"
	userGenKey = "user_gen"
)

// Log-in throttling, within a window: after maxLoginFailures failures for
// an account from one address, log-ins to it from that address wait until
// the window passes; after maxAddressFailures from one address, for any
// accounts, every log-in from it waits. A failure from one address never
// locks the account's owner out from another.
const (
	maxLoginFailures   = 5
	maxAddressFailures = 50
	loginFailureWindow = 15 * time.Minute
	resetLinkLifetime  = time.Hour
	// maxResetsAnHour bounds the reset emails an account is sent; each new
	// link spends the one before, so one at most works at a time.
	maxResetsAnHour = 3
	// maxResetRequestsAnHour bounds the reset requests one client address
	// makes, for any addresses.
	maxResetRequestsAnHour = 10
	// countsKept is how long request counts are kept: longer than any
	// limit looks back.
	countsKept = 24 * time.Hour
)

// dummyHash is compared against when no account matches, so a log-in
// takes as long whether or not the account exists: it is made at the cost
// of the shop's own hashes, once.
func (app *App) dummyHash() []byte {
	app.dummyOnce.Do(func() {
		app.dummy, _ = bcrypt.GenerateFromPassword([]byte("no such account"), app.cfg.BcryptCost)
	})
	return app.dummy
}

// currentUser is the signed-in user, if any, looked up once per request.
func (app *App) currentUser(r *http.Request) (store.GetUserRow, bool) {
	st := requestSession(r)
	if st == nil {
		return store.GetUserRow{}, false
	}
	if !st.userLooked {
		st.userLooked = true
		if id := app.sessions.GetInt64(r.Context(), userIDKey); id != 0 {
			u, err := app.q.GetUser(r.Context(), id)
			// A session of an older generation was signed out by a
			// password change or reset.
			st.user, st.signedIn = u, err == nil && u.SessionGen == app.sessions.GetInt64(r.Context(), userGenKey)
		}
	}
	return st.user, st.signedIn
}

// requireUser sends a guest to log in, coming back here after.
func (app *App) requireUser(w http.ResponseWriter, r *http.Request) (store.GetUserRow, bool) {
	u, ok := app.currentUser(r)
	if !ok {
		http.Redirect(w, r, "/accounts/login/?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
	}
	return u, ok
}

// logIn starts a signed-in session under a new token, of the account's
// current session generation.
func (app *App) logIn(ctx context.Context, userID, gen int64) error {
	if err := app.sessions.RenewToken(ctx); err != nil {
		return err
	}
	app.sessions.Put(ctx, userIDKey, userID)
	app.sessions.Put(ctx, userGenKey, gen)
	forgetUser(ctx)
	return nil
}

// forgetUser drops the request's remembered user after a log-in or out.
func forgetUser(ctx context.Context) {
	if st := sessionOf(ctx); st != nil {
		*st = sessionState{}
	}
}

func (app *App) hashPassword(pw string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(pw), app.cfg.BcryptCost)
	return string(h), err
}

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,30}$`)

func checkPassword(pw, again string) string {
	switch {
	case len([]rune(pw)) < 8:
		return "Use at least 8 characters."
	case len(pw) > 72:
		return "Use at most 72 characters."
	case pw != again:
		return "The two passwords do not match."
	}
	return ""
}

func checkEmail(v string) string {
	if a, err := mail.ParseAddress(v); err != nil || a.Address != v || !strings.Contains(v[strings.LastIndexByte(v, '@')+1:], ".") || len(v) > 254 {
		return "Enter an email address such as name@example.com."
	}
	return ""
}

func accountField(name, label, kind, autocomplete, value, msg string) views.Field {
	return views.Field{Name: name, Label: label, Type: kind, Value: value, Error: msg, Autocomplete: autocomplete, Required: true, MaxLength: 254}
}

func (app *App) renderAccount(w http.ResponseWriter, r *http.Request, status int, f views.AccountForm, msgs ...views.Message) {
	app.renderPage(w, r, status, f.Title, func(c views.Chrome) templ.Component {
		c.Messages = append(c.Messages, msgs...)
		return views.AccountPage(c, f)
	})
}

// --- log in and out ---

func loginForm(login, next, msg string) views.AccountForm {
	f := views.AccountForm{
		Title: "Log in", Action: "/accounts/login/", Submit: "Log in",
		Fields: []views.Field{
			accountField("login", "Username or email", "text", "username", login, ""),
			accountField("password", "Password", "password", "current-password", "", msg),
		},
		Links: []views.Link{
			{Href: "/accounts/password/reset/", Text: "Forgot your password?"},
			{Href: "/accounts/signup/", Text: "No account yet? Sign up"},
		},
	}
	if next != "" {
		f.Hidden = []views.Option{{Value: "next", Label: next}}
	}
	return f
}

func (app *App) loginPage(w http.ResponseWriter, r *http.Request) {
	next := r.URL.Query().Get("next")
	if !localPath(next) {
		next = ""
	}
	app.renderAccount(w, r, http.StatusOK, loginForm("", next, ""))
}

func (app *App) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	login := strings.TrimSpace(r.PostFormValue("login"))
	next := r.PostFormValue("next")
	if !localPath(next) {
		next = ""
	}
	u, err := app.q.GetUserByLogin(ctx, login)
	hash := app.dummyHash()
	// The account's key: its id, so that its username and its email count
	// as one; a name with no account is throttled by the name.
	account := "login:" + strings.ToLower(login)
	if err == nil {
		hash = []byte(u.PasswordHash)
		account = fmt.Sprintf("account:%d", u.ID)
	} else if !errors.Is(err, sql.ErrNoRows) {
		app.serverError(w, r, err)
		return
	}
	addr := "addr:" + app.clientAddr(r)
	pair := account + "|" + addr
	since := store.Time(time.Now().Add(-loginFailureWindow))
	for k, limit := range map[string]int64{pair: maxLoginFailures, addr: maxAddressFailures} {
		n, err := app.q.CountLoginFailures(ctx, store.CountLoginFailuresParams{Key: k, FailedAt: since})
		if err != nil {
			app.serverError(w, r, err)
			return
		}
		if n >= limit {
			app.log.Warn("log-in throttled", "key", k, "failures", n)
			app.renderAccount(w, r, http.StatusTooManyRequests, loginForm(login, next,
				"Too many failed log-ins. Please wait 15 minutes, or reset your password."))
			return
		}
	}
	keys := []string{pair, addr}
	if bcrypt.CompareHashAndPassword(hash, []byte(r.PostFormValue("password"))) != nil || err != nil {
		if err := app.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
			for _, k := range keys {
				if err := tx.RecordLoginFailure(ctx, k); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			app.serverError(w, r, err)
			return
		}
		app.renderAccount(w, r, http.StatusUnprocessableEntity, loginForm(login, next,
			"The username or email and password do not match an account."))
		return
	}
	if err := app.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		return tx.ClearLoginFailures(ctx, pair)
	}); err != nil {
		app.serverError(w, r, err)
		return
	}
	if err := app.logIn(ctx, u.ID, u.SessionGen); err != nil {
		app.serverError(w, r, err)
		return
	}
	app.flash(ctx, "success", "Welcome back, "+u.Username+".")
	http.Redirect(w, r, cmp.Or(next, "/"), http.StatusSeeOther)
}

// clientAddr is the address a request came from, without its port: the
// last address a trusted proxy added to X-Forwarded-For, or the peer.
func (app *App) clientAddr(r *http.Request) string {
	if app.fromTrustedProxy(r) {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (app *App) logout(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	// A new, empty session: nothing of the signed-in one (bag, orders)
	// stays on a shared computer.
	if err := app.sessions.Destroy(ctx); err != nil {
		app.serverError(w, r, err)
		return
	}
	forgetUser(ctx)
	app.flash(ctx, "success", "You have logged out.")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// --- passwords ---

func changeForm(errs map[string]string) views.AccountForm {
	return views.AccountForm{
		Title: "Change password", Action: "/accounts/password/change/", Submit: "Change password",
		Fields: []views.Field{
			accountField("old_password", "Current password", "password", "current-password", "", errs["old_password"]),
			accountField("password1", "New password", "password", "new-password", "", errs["password1"]),
			accountField("password2", "New password (again)", "password", "new-password", "", errs["password2"]),
		},
	}
}

func (app *App) passwordChangePage(w http.ResponseWriter, r *http.Request) {
	if _, ok := app.requireUser(w, r); ok {
		app.renderAccount(w, r, http.StatusOK, changeForm(nil))
	}
}

func (app *App) passwordChange(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, ok := app.requireUser(w, r)
	if !ok {
		return
	}
	errs := map[string]string{}
	if bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(r.PostFormValue("old_password"))) != nil {
		errs["old_password"] = "That is not your current password."
	}
	if msg := checkPassword(r.PostFormValue("password1"), r.PostFormValue("password2")); msg != "" {
		errs["password1"] = msg
	}
	if len(errs) > 0 {
		app.renderAccount(w, r, http.StatusUnprocessableEntity, changeForm(errs))
		return
	}
	gen, err := app.setPassword(ctx, u.ID, r.PostFormValue("password1"))
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	// This session goes on, in the new generation; every other one of the
	// account is signed out.
	if err := app.logIn(ctx, u.ID, gen); err != nil {
		app.serverError(w, r, err)
		return
	}
	app.flash(ctx, "success", "Your password has been changed.")
	http.Redirect(w, r, "/profile/", http.StatusSeeOther)
}

// setPassword sets an account's password, which signs out every session
// of the account and spends its outstanding reset links; it returns the
// account's new session generation.
func (app *App) setPassword(ctx context.Context, userID int64, pw string) (int64, error) {
	hash, err := app.hashPassword(pw)
	if err != nil {
		return 0, err
	}
	var gen int64
	err = app.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		gen, err = newPassword(ctx, tx, userID, hash)
		return err
	})
	return gen, err
}

// newPassword is the write of a new password hash: a new session
// generation, and no reset link left to use.
func newPassword(ctx context.Context, tx *store.Tx, userID int64, hash string) (int64, error) {
	gen, err := tx.SetPassword(ctx, store.SetPasswordParams{PasswordHash: hash, ID: userID})
	if err != nil {
		return 0, err
	}
	return gen, tx.RevokePasswordResets(ctx, store.RevokePasswordResetsParams{Now: store.Nullable(store.Time(time.Now())), UserID: userID})
}

func resetRequestForm(email, msg string) views.AccountForm {
	return views.AccountForm{
		Title: "Reset your password", Action: "/accounts/password/reset/", Submit: "Email me a link",
		Intro:  "Enter your account's email address and we'll send you a link to choose a new password.",
		Fields: []views.Field{accountField("email", "Email address", "email", "email", email, msg)},
	}
}

func (app *App) passwordResetPage(w http.ResponseWriter, r *http.Request) {
	app.renderAccount(w, r, http.StatusOK, resetRequestForm("", ""))
}

// passwordReset emails a one-time link to the account with that address,
// if there is one; the answer is the same either way.
func (app *App) passwordReset(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	email := strings.TrimSpace(r.PostFormValue("email"))
	if msg := checkEmail(email); msg != "" {
		app.renderAccount(w, r, http.StatusUnprocessableEntity, resetRequestForm(email, msg))
		return
	}
	base, ok := app.baseURL()
	if !ok {
		// A link built from the request's Host would point wherever the
		// request said: no reset email without the shop's own address.
		app.log.Error("password reset refused: BOUTIQUE_BASE_URL is not set, so no link can be trusted")
		app.renderAccount(w, r, http.StatusServiceUnavailable, resetRequestForm(email, ""), views.Message{Level: "error",
			Text: "Password reset by email is not available on this shop yet. Please write to the shop to reset your password."})
		return
	}
	// Counted before the account is looked up, so the limit answers the
	// same for every address asked about.
	var allowed bool
	if err := app.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		allowed, err = tx.Take(ctx, time.Now(), store.Limit{Key: "reset:" + app.clientAddr(r), Max: maxResetRequestsAnHour, Window: time.Hour})
		return err
	}); err != nil {
		app.serverError(w, r, err)
		return
	}
	if !allowed {
		app.log.Warn("password reset refused: too many from the address this hour", "addr", app.clientAddr(r))
		app.renderAccount(w, r, http.StatusTooManyRequests, resetRequestForm(email, ""), views.Message{Level: "error",
			Text: "Too many password resets have been asked for from your network in the last hour. Please try again later."})
		return
	}
	u, found, err := app.accountByEmail(ctx, email)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	if found {
		token := newLinkToken()
		link := base + "/accounts/password/reset/" + token + "/"
		sent := false
		err := app.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
			now := store.Time(time.Now())
			n, err := tx.CountRecentResets(ctx, store.CountRecentResetsParams{UserID: u.ID, Now: now})
			if err != nil || n >= maxResetsAnHour {
				return err
			}
			if err := tx.RevokePasswordResets(ctx, store.RevokePasswordResetsParams{Now: store.Nullable(now), UserID: u.ID}); err != nil {
				return err
			}
			sent = true
			if err := tx.CreatePasswordReset(ctx, store.CreatePasswordResetParams{
				TokenHash: tokenHash(token), UserID: u.ID, ExpiresAt: store.Time(time.Now().Add(resetLinkLifetime)),
			}); err != nil {
				return err
			}
			body := fmt.Sprintf("Hello %s,\n\nSomeone (we hope you) asked to reset the password of your Boutique account.\n"+
				"Choose a new one here; the link works once, for an hour:\n\n  %s\n\n"+
				"If it wasn't you, ignore this email: your password stays as it is.\n\nBoutique (%s)\n", u.Username, link, app.cfg.ContactEmail)
			return orders.Enqueue(ctx, tx, "password-reset:"+tokenHash(token), u.Email,
				"Reset your Boutique password", body, store.Time(time.Now()))
		})
		if err != nil {
			app.serverError(w, r, err)
			return
		}
		if sent {
			app.sender.Wake()
		} else {
			// The same answer as ever: the page does not say which
			// addresses have accounts.
			app.log.Warn("password reset refused: too many for the account this hour", "user", u.ID)
		}
	}
	app.flash(ctx, "info", "If an account has that email address, we have sent it a link to choose a new password. The link works for an hour.")
	http.Redirect(w, r, "/accounts/login/", http.StatusSeeOther)
}

// accountByEmail is the account with an email address, whatever its
// case; found is false when there is none. (GetUserByLogin also matches
// usernames, which cannot hold an @, but the address is checked anyway.)
func (app *App) accountByEmail(ctx context.Context, email string) (u store.GetUserByLoginRow, found bool, err error) {
	u, err = app.q.GetUserByLogin(ctx, email)
	if errors.Is(err, sql.ErrNoRows) {
		return u, false, nil
	}
	return u, err == nil && strings.EqualFold(u.Email, email), err
}

// baseURL is the shop's address for links in emails: BOUTIQUE_BASE_URL (or
// the -domain serve was given), never anything a request says.
func (app *App) baseURL() (string, bool) {
	return strings.TrimSuffix(app.cfg.BaseURL, "/"), app.cfg.BaseURL != ""
}

// newLinkToken is the secret part of an emailed link: 32 random bytes.
func newLinkToken() string {
	var raw [32]byte
	rand.Read(raw[:])
	return base64.RawURLEncoding.EncodeToString(raw[:])
}

// tokenHash is what the database keeps of a link's token.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func resetConfirmForm(token string, errs map[string]string) views.AccountForm {
	return views.AccountForm{
		Title: "Choose a new password", Action: "/accounts/password/reset/" + token + "/", Submit: "Set password",
		Fields: []views.Field{
			accountField("password1", "New password", "password", "new-password", "", errs["password1"]),
			accountField("password2", "New password (again)", "password", "new-password", "", errs["password2"]),
		},
	}
}

// linkTokenPattern is the form of newLinkToken's tokens.
var linkTokenPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

// passwordResetConfirmPage is the page a reset link opens: the new
// password form, or, for a link that is spent, expired or mangled, why it
// does not work and the form to ask for another.
func (app *App) passwordResetConfirmPage(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	usable := int64(0)
	if linkTokenPattern.MatchString(token) {
		var err error
		if usable, err = app.q.ResetLinkUsable(r.Context(), store.ResetLinkUsableParams{TokenHash: tokenHash(token), Now: store.Time(time.Now())}); err != nil {
			app.serverError(w, r, err)
			return
		}
	}
	if usable != 1 {
		app.linkSpent(w, r)
		return
	}
	app.renderAccount(w, r, http.StatusOK, resetConfirmForm(token, nil))
}

// linkSpent answers a reset link that no longer works.
func (app *App) linkSpent(w http.ResponseWriter, r *http.Request) {
	app.renderAccount(w, r, http.StatusGone, resetRequestForm("", ""), views.Message{Level: "error",
		Text: "That link has expired or has been used already: a reset link works once, for an hour. Ask for a new one below."})
}

func (app *App) passwordResetConfirm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	token := r.PathValue("token")
	if !linkTokenPattern.MatchString(token) {
		app.linkSpent(w, r)
		return
	}
	if msg := checkPassword(r.PostFormValue("password1"), r.PostFormValue("password2")); msg != "" {
		app.renderAccount(w, r, http.StatusUnprocessableEntity, resetConfirmForm(token, map[string]string{"password1": msg}))
		return
	}
	hash, err := app.hashPassword(r.PostFormValue("password1"))
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	// The link is spent and the password set together, or neither.
	err = app.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		userID, err := tx.UsePasswordReset(ctx, store.UsePasswordResetParams{Now: store.Nullable(store.Time(time.Now())), TokenHash: tokenHash(token)})
		if err != nil {
			return err
		}
		_, err = newPassword(ctx, tx, userID, hash)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		app.linkSpent(w, r)
		return
	} else if err != nil {
		app.serverError(w, r, err)
		return
	}
	app.flash(ctx, "success", "Your password has been changed. Please log in with it.")
	http.Redirect(w, r, "/accounts/login/", http.StatusSeeOther)
}

// CreateAdmin makes the account named username staff. When there is no
// such account, it creates one with the email and password details gives
// (asked only then) and reports true.
func CreateAdmin(ctx context.Context, st *store.Store, username string, details func() (email, password string, err error)) (bool, error) {
	var promoted int64
	if err := st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		promoted, err = tx.MakeStaff(ctx, username)
		return err
	}); err != nil || promoted > 0 {
		return false, err
	}
	if !usernamePattern.MatchString(username) {
		return false, errors.New("createadmin: a username has 3 to 30 letters, digits, dots, dashes or underscores")
	}
	email, pw, err := details()
	if err != nil {
		return false, err
	}
	if msg := checkEmail(email); msg != "" {
		return false, errors.New("createadmin: " + msg)
	}
	if msg := checkPassword(pw, pw); msg != "" {
		return false, errors.New("createadmin: " + msg)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return false, err
	}
	err = st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		if _, err := tx.CreateUser(ctx, store.CreateUserParams{Username: username, Email: email, PasswordHash: string(hash)}); err != nil {
			return fmt.Errorf("createadmin: %w", err)
		}
		_, err := tx.MakeStaff(ctx, username)
		return err
	})
	return err == nil, err
}
