package shop

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"boutique/orders"
	"boutique/store"
	"boutique/views"
)

// Signing up makes no account at once: the shop emails the address a
// link, and the account is made when the link is followed. So the answer
// to a sign-up is the same whether or not the address has an account; its
// owner is sent a note instead of a link.
const (
	signupLinkLifetime = 24 * time.Hour
	// maxSignupsAnHour bounds the sign-ups one client address makes, and
	// maxSignupEmailsAnHour the emails they send one email address.
	maxSignupsAnHour      = 10
	maxSignupEmailsAnHour = 3
)

func signupForm(username, email string, errs map[string]string) views.AccountForm {
	return views.AccountForm{
		Title: "Sign up", Action: "/accounts/signup/", Submit: "Sign up",
		Intro: "Save your delivery details and see your orders in one place.",
		Fields: []views.Field{
			accountField("username", "Username", "text", "username", username, errs["username"]),
			accountField("email", "Email address", "email", "email", email, errs["email"]),
			accountField("password1", "Password", "password", "new-password", "", errs["password1"]),
			accountField("password2", "Password (again)", "password", "new-password", "", errs["password2"]),
		},
		Links: []views.Link{{Href: "/accounts/login/", Text: "Already have an account? Log in"}},
	}
}

func (app *App) signupPage(w http.ResponseWriter, r *http.Request) {
	app.renderAccount(w, r, http.StatusOK, signupForm("", "", nil))
}

func (app *App) signup(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	username := strings.TrimSpace(r.PostFormValue("username"))
	email := strings.TrimSpace(r.PostFormValue("email"))
	pw := r.PostFormValue("password1")
	errs := map[string]string{}
	if !usernamePattern.MatchString(username) {
		errs["username"] = "Use 3 to 30 letters, digits, dots, dashes or underscores."
	}
	if msg := checkEmail(email); msg != "" {
		errs["email"] = msg
	}
	if msg := checkPassword(pw, r.PostFormValue("password2")); msg != "" {
		errs["password1"] = msg
	}
	if len(errs) == 0 {
		// Usernames are shown on the shop's pages; only the email
		// address is kept to itself.
		taken, err := app.q.UsernameTaken(ctx, username)
		if err != nil {
			app.serverError(w, r, err)
			return
		}
		if taken == 1 {
			errs["username"] = "That username is taken."
		}
	}
	if len(errs) > 0 {
		app.renderAccount(w, r, http.StatusUnprocessableEntity, signupForm(username, email, errs))
		return
	}
	base, ok := app.baseURL()
	if !ok {
		app.log.Error("sign-up refused: BOUTIQUE_BASE_URL is not set, so no confirmation link can be trusted")
		app.renderAccount(w, r, http.StatusServiceUnavailable, signupForm(username, email, nil), views.Message{Level: "error",
			Text: "Signing up is not available on this shop yet. You can still check out as a guest."})
		return
	}
	// The password is hashed whether or not the address has an account,
	// so both answers take as long.
	hash, err := app.hashPassword(pw)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	owner, hasAccount, err := app.accountByEmail(ctx, email)
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	token := newLinkToken()
	allowed, sent := false, false
	err = app.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		now := time.Now()
		var err error
		allowed, err = tx.Take(ctx, now, store.Limit{Key: "signup:" + app.clientAddr(r), Max: maxSignupsAnHour, Window: time.Hour})
		if err != nil || !allowed {
			return err
		}
		sent, err = tx.Take(ctx, now, store.Limit{Key: "signup-email:" + strings.ToLower(email), Max: maxSignupEmailsAnHour, Window: time.Hour})
		if err != nil || !sent {
			return err
		}
		if hasAccount {
			subject, body := signupNote(base, owner.Username, app.cfg.ContactEmail)
			return orders.Enqueue(ctx, tx, "signup-note:"+tokenHash(token), owner.Email, subject, body, store.Time(now))
		}
		if err := tx.DeleteSignupsFor(ctx, email); err != nil {
			return err
		}
		if err := tx.CreateSignup(ctx, store.CreateSignupParams{TokenHash: tokenHash(token), Username: username, Email: email,
			PasswordHash: hash, ExpiresAt: store.Time(now.Add(signupLinkLifetime))}); err != nil {
			return err
		}
		subject, body := signupLink(base+"/accounts/confirm/"+token+"/", username, app.cfg.ContactEmail)
		return orders.Enqueue(ctx, tx, "signup:"+tokenHash(token), email, subject, body, store.Time(now))
	})
	if err != nil {
		app.serverError(w, r, err)
		return
	}
	if !allowed {
		app.log.Warn("sign-up refused: too many from the address this hour", "addr", app.clientAddr(r))
		app.renderAccount(w, r, http.StatusTooManyRequests, signupForm(username, email, nil), views.Message{Level: "error",
			Text: "Too many sign-ups have come from your network in the last hour. Please try again later."})
		return
	}
	if sent {
		app.sender.Wake()
	} else {
		// The same answer as ever: the page does not say which
		// addresses have accounts, nor that this one has had its fill.
		app.log.Warn("sign-up email not sent: too many for the address this hour")
	}
	http.Redirect(w, r, "/accounts/signup/sent/", http.StatusSeeOther)
}

func signupLink(link, username, contact string) (subject, body string) {
	return "Confirm your Boutique account", fmt.Sprintf("Hello %s,\n\n"+
		"To finish opening your Boutique account, follow this link within a day:\n\n  %s\n\n"+
		"If you did not sign up, ignore this email: no account is made without it.\n\nBoutique (%s)\n", username, link, contact)
}

// signupNote tells the owner of an address that someone tried to sign up
// with it: they have an account already.
func signupNote(base, username, contact string) (subject, body string) {
	return "Your Boutique account", fmt.Sprintf("Hello %s,\n\n"+
		"Someone (we hope you) tried to open a Boutique account with this email address, which has one already: "+
		"its username is %s.\n\nLog in here:\n\n  %s/accounts/login/\n\n"+
		"Forgotten your password? Choose a new one here:\n\n  %s/accounts/password/reset/\n\n"+
		"If it wasn't you, ignore this email: nothing has changed.\n\nBoutique (%s)\n", username, username, base, base, contact)
}

func (app *App) signupSentPage(w http.ResponseWriter, r *http.Request) {
	app.renderAccount(w, r, http.StatusOK, views.AccountForm{
		Title: "Check your email",
		Intro: "We have emailed a link to the address you gave. Follow it within a day to finish opening your account. " +
			"Nothing there? Look in your spam folder, or sign up again.",
		Links: []views.Link{{Href: "/accounts/signup/", Text: "Sign up again"}, {Href: "/accounts/login/", Text: "Log in"}},
	})
}

func confirmForm(token string) views.AccountForm {
	return views.AccountForm{
		Title: "Confirm your account", Action: "/accounts/confirm/" + token + "/", Submit: "Open my account",
		Intro: "Thank you for confirming your email address. One click and your account is ready.",
	}
}

// signupConfirmPage asks for a click rather than acting on the link's GET:
// mail scanners follow links too.
func (app *App) signupConfirmPage(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	if !linkTokenPattern.MatchString(token) {
		app.notFound(w, r)
		return
	}
	app.renderAccount(w, r, http.StatusOK, confirmForm(token))
}

// signupConfirm makes the account a confirmation link was sent for, and
// signs this browser in to it.
func (app *App) signupConfirm(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	token := r.PathValue("token")
	if !linkTokenPattern.MatchString(token) {
		app.notFound(w, r)
		return
	}
	var s store.UseSignupRow
	var id int64
	var usernameTaken, emailTaken bool
	err := app.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		if s, err = tx.UseSignup(ctx, store.UseSignupParams{TokenHash: tokenHash(token), Now: store.Time(time.Now())}); err != nil {
			return err
		}
		// The link is spent either way; a name taken since the sign-up
		// needs a new sign-up.
		taken, err := tx.UsernameOrEmailTaken(ctx, store.UsernameOrEmailTakenParams{Username: s.Username, Email: s.Email})
		if err != nil {
			return err
		}
		if usernameTaken, emailTaken = taken.UsernameTaken == 1, taken.EmailTaken == 1; usernameTaken || emailTaken {
			return nil
		}
		id, err = tx.CreateUser(ctx, store.CreateUserParams{Username: s.Username, Email: s.Email, PasswordHash: s.PasswordHash})
		return err
	})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		app.renderAccount(w, r, http.StatusGone, signupForm("", "", nil),
			views.Message{Level: "error", Text: "That link has expired or has been used already. Sign up again below."})
		return
	case err != nil:
		app.serverError(w, r, err)
		return
	case emailTaken:
		// Only the owner of the address could follow the link.
		app.flash(ctx, "info", "That email address has an account already. Log in, or reset your password.")
		http.Redirect(w, r, "/accounts/login/", http.StatusSeeOther)
		return
	case usernameTaken:
		app.renderAccount(w, r, http.StatusConflict, signupForm("", s.Email, map[string]string{
			"username": "Someone took the username " + s.Username + " before you confirmed. Please choose another."}))
		return
	}
	if err := app.logIn(ctx, id, 0); err != nil {
		app.serverError(w, r, err)
		return
	}
	app.flash(ctx, "success", "Welcome, "+s.Username+"! Your account is ready.")
	http.Redirect(w, r, "/profile/", http.StatusSeeOther)
}
