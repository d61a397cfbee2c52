package shop_test

import (
	"fmt"
	"html"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"boutique/store"
	"boutique/store/storetest"
)

// askToSignUp sends the sign-up form.
func (s *testShop) askToSignUp(username, email, password string) response {
	s.t.Helper()
	tok := s.csrfToken("/accounts/signup/")
	return s.post("/accounts/signup/", form("csrf_token", tok, "username", username, "email", email,
		"password1", password, "password2", password), false)
}

// signUp signs up as a shopper does: the form, then the link emailed to
// the address and the button on its page. It answers what the last step
// answered.
func (s *testShop) signUp(username, email, password string) response {
	s.t.Helper()
	res := s.askToSignUp(username, email, password)
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/accounts/signup/sent/" {
		return res
	}
	link := s.emailedLink(email, confirmLink)
	if link == "" {
		s.t.Fatalf("no confirmation link emailed to %s", email)
	}
	return s.post(link, form("csrf_token", s.csrfToken(link)), false)
}

var confirmLink = regexp.MustCompile(`https://shop\.example(/accounts/confirm/[A-Za-z0-9_-]{43}/)`)

// emailedLink is the path of the link the newest email to recipient
// holding such a link has, or "".
func (s *testShop) emailedLink(recipient string, link *regexp.Regexp) string {
	s.t.Helper()
	for _, b := range s.emailsTo(recipient) {
		if m := link.FindStringSubmatch(b); m != nil {
			return m[1]
		}
	}
	return ""
}

// emailsTo is the bodies of the emails to recipient, newest first.
func (s *testShop) emailsTo(recipient string) []string {
	s.t.Helper()
	rows, err := s.pool.Query(`SELECT body FROM outbox WHERE recipient = ? COLLATE NOCASE ORDER BY id DESC`, recipient)
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	var bodies []string
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			s.t.Fatal(err)
		}
		bodies = append(bodies, b)
	}
	return bodies
}

func (s *testShop) logIn(login, password string) response {
	s.t.Helper()
	tok := s.csrfToken("/accounts/login/")
	return s.post("/accounts/login/", form("csrf_token", tok, "login", login, "password", password), false)
}

func (s *testShop) logOut() response {
	s.t.Helper()
	tok := s.csrfToken("/")
	return s.post("/accounts/logout/", form("csrf_token", tok), false)
}

func (s *testShop) sessionCookie() string {
	s.t.Helper()
	u, _ := url.Parse(s.server.URL)
	for _, c := range s.client.Jar.Cookies(u) {
		if c.Name == "boutique_session" {
			return c.Value
		}
	}
	return ""
}

func TestSignUpLogInLogOut(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.loadFixture()
	res := s.signUp("ada", "ada@example.com", "correct horse")
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/profile/" {
		t.Fatalf("sign up: %d %q\n%s", res.status, res.header.Get("Location"), res.body)
	}
	if page := s.get("/profile/"); page.status != http.StatusOK || !strings.Contains(page.body, "Signed in as <strong>ada</strong>") {
		t.Fatalf("profile after sign-up: %d", page.status)
	}
	signedIn := s.sessionCookie()
	if res := s.logOut(); res.status != http.StatusSeeOther {
		t.Fatalf("log out: %d", res.status)
	}
	if res := s.get("/profile/"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/accounts/login/") {
		t.Fatalf("profile after log-out: %d %q", res.status, res.header.Get("Location"))
	}
	// The signed-in session is gone for good: its old cookie, replayed,
	// signs nobody in.
	replay, err := http.NewRequest(http.MethodGet, s.server.URL+"/profile/", nil)
	if err != nil {
		t.Fatal(err)
	}
	replay.AddCookie(&http.Cookie{Name: "boutique_session", Value: signedIn})
	bare := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	replayed, err := bare.Do(replay)
	if err != nil {
		t.Fatal(err)
	}
	replayed.Body.Close()
	if replayed.StatusCode != http.StatusSeeOther {
		t.Fatalf("the logged-out session's cookie still opens the profile: %d", replayed.StatusCode)
	}

	for _, login := range []string{"ada", "ADA@example.com"} {
		s.get("/")
		before := s.sessionCookie()
		if before == "" {
			s.get("/products/1/") // a page with a form makes the session
			before = s.sessionCookie()
		}
		res := s.logIn(login, "correct horse")
		if res.status != http.StatusSeeOther {
			t.Fatalf("log in as %q: %d\n%s", login, res.status, res.body)
		}
		if after := s.sessionCookie(); after == "" || after == before {
			t.Fatalf("log in as %q kept the session token", login)
		}
		if page := s.get("/profile/"); page.status != http.StatusOK {
			t.Fatalf("profile after log in as %q: %d", login, page.status)
		}
		s.logOut()
	}
}

func TestSignUpRefusesBadInput(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.signUp("ada", "ada@example.com", "correct horse")
	s.logOut()
	tests := []struct {
		username, email, password, says string
	}{
		{"ADA", "other@example.com", "correct horse", "That username is taken."},
		{"g", "g@example.com", "correct horse", "Use 3 to 30 letters"},
		{"grace", "not-an-email", "correct horse", "Enter an email address"},
		{"grace", "grace@example.com", "short", "Use at least 8 characters."},
	}
	for _, tt := range tests {
		res := s.askToSignUp(tt.username, tt.email, tt.password)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, tt.says) {
			t.Errorf("sign up %q %q: %d, want 422 saying %q", tt.username, tt.email, res.status, tt.says)
		}
	}
	if n := s.count(`SELECT COUNT(*) FROM users`); n != 1 {
		t.Fatalf("%d users", n)
	}
	if n := s.count(`SELECT COUNT(*) FROM signups`) + s.count(`SELECT COUNT(*) FROM outbox WHERE recipient != 'ada@example.com'`); n != 0 {
		t.Fatalf("refused sign-ups left %d rows", n)
	}
}

// A sign-up answers the same whether or not its email address has an
// account; the owner of one that has is sent a note, not a link, and no
// second account is made.
func TestSignUpDoesNotTellWhichEmailsHaveAccounts(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.signUp("ada", "ada@example.com", "correct horse")
	s.logOut()
	taken := s.browser().askToSignUp("grace", "Ada@Example.com", "correct horse")
	free := s.browser().askToSignUp("grace", "grace@example.com", "correct horse")
	if taken.status != free.status || taken.header.Get("Location") != free.header.Get("Location") || taken.body != free.body {
		t.Fatalf("taken %d %q, free %d %q", taken.status, taken.header.Get("Location"), free.status, free.header.Get("Location"))
	}
	if page := s.get(free.header.Get("Location")); page.status != http.StatusOK || !strings.Contains(page.body, "Check your email") {
		t.Fatalf("the page after signing up: %d", page.status)
	}
	note := s.emailsTo("ada@example.com")[0]
	for _, want := range []string{"has one already", "its username is ada", "https://shop.example/accounts/login/", "https://shop.example/accounts/password/reset/"} {
		if !strings.Contains(note, want) {
			t.Errorf("the note to the address's owner lacks %q:\n%s", want, note)
		}
	}
	if confirmLink.MatchString(note) {
		t.Fatalf("the owner of a taken address was sent a confirmation link:\n%s", note)
	}
	if s.emailedLink("grace@example.com", confirmLink) == "" {
		t.Fatal("no confirmation link for the free address")
	}
	if n := s.count(`SELECT COUNT(*) FROM users`); n != 1 {
		t.Fatalf("%d users", n)
	}
	if n := s.count(`SELECT COUNT(*) FROM signups WHERE email = 'ada@example.com'`); n != 0 {
		t.Fatalf("a sign-up waits for the taken address")
	}
}

// Signing up takes as long whether or not the address has an account:
// the password is hashed either way (median of 20, within 20%).
func TestSignUpTimingDoesNotTellWhichEmailsHaveAccounts(t *testing.T) {
	s := timingShop(t)
	s.exec(`INSERT INTO users (username, email, password_hash) VALUES ('ada', 'ada@example.com', 'x')`)
	tok := s.csrfToken("/accounts/signup/")
	attempt := func(i int, email string) time.Duration {
		start := time.Now()
		if res := s.postFrom(nthAddr(i), tok, "/accounts/signup/", "username", fmt.Sprintf("user%d", i), "email", email,
			"password1", "correct horse", "password2", "correct horse"); res.status != http.StatusSeeOther {
			t.Fatalf("sign-up %d: %d", i, res.status)
		}
		return time.Since(start)
	}
	for i := range 4 {
		attempt(1000+i, fmt.Sprintf("warm%d@example.com", i))
	}
	var taken, free []time.Duration
	for i := range 20 {
		taken = append(taken, attempt(2*i, "ada@example.com"))
		free = append(free, attempt(2*i+1, fmt.Sprintf("new%d@example.com", i)))
	}
	tk, fr := median(taken), median(free)
	t.Logf("median sign-up: taken address %s, free %s", tk, fr)
	if ratio := float64(tk) / float64(fr); ratio < 0.8 || ratio > 1.2 {
		t.Fatalf("taken/free = %.2f, want within 20%%", ratio)
	}
}

// The confirmation link makes the account once, only through its page's
// button, before it expires, and only the newest link for an address
// works; a username taken meanwhile asks for another.
func TestSignUpConfirmationLinks(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.askToSignUp("ada", "ada@example.com", "correct horse")
	first := s.emailedLink("ada@example.com", confirmLink)
	s.askToSignUp("ada", "ada@example.com", "correct horse")
	link := s.emailedLink("ada@example.com", confirmLink)
	if first == "" || link == first {
		t.Fatalf("links %q and %q", first, link)
	}
	if body := s.emailsTo("ada@example.com")[0]; !strings.Contains(body, "Hello ada,") {
		t.Fatalf("the confirmation email:\n%s", body)
	}
	// Opening the link (as a mail scanner would) makes nothing.
	if page := s.get(link); page.status != http.StatusOK || !strings.Contains(page.body, "Open my account") {
		t.Fatalf("the confirmation page: %d", page.status)
	}
	if n := s.count(`SELECT COUNT(*) FROM users`); n != 0 {
		t.Fatalf("opening the link made %d accounts", n)
	}
	if res := s.post(first, form("csrf_token", s.csrfToken(first)), false); res.status != http.StatusGone {
		t.Fatalf("the older link: %d, want 410", res.status)
	}
	res := s.post(link, form("csrf_token", s.csrfToken(link)), false)
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/profile/" {
		t.Fatalf("confirm: %d %q", res.status, res.header.Get("Location"))
	}
	if page := s.get("/profile/"); page.status != http.StatusOK || !strings.Contains(page.body, "Welcome, ada!") {
		t.Fatalf("the profile after confirming: %d, or no welcome", page.status)
	}
	s.logOut()
	if res := s.post(link, form("csrf_token", s.csrfToken(link)), false); res.status != http.StatusGone || !strings.Contains(res.body, "expired or has been used") {
		t.Fatalf("the link again: %d", res.status)
	}
	if res := s.logIn("ada@example.com", "correct horse"); res.status != http.StatusSeeOther {
		t.Fatalf("log-in with the password given at sign-up: %d", res.status)
	}
	s.logOut()

	// An expired link.
	s.askToSignUp("grace", "grace@example.com", "correct horse")
	expired := s.emailedLink("grace@example.com", confirmLink)
	s.exec(`UPDATE signups SET expires_at = '2000-01-01T00:00:00.000Z'`)
	if res := s.post(expired, form("csrf_token", s.csrfToken(expired)), false); res.status != http.StatusGone {
		t.Fatalf("an expired link: %d", res.status)
	}

	// Two sign-ups for one name: the first confirmed gets it.
	s.askToSignUp("grace", "grace@example.com", "correct horse")
	s.askToSignUp("grace", "other@example.com", "correct horse")
	s.signUp("grace", "other@example.com", "correct horse")
	s.logOut()
	late := s.emailedLink("grace@example.com", confirmLink)
	res = s.post(late, form("csrf_token", s.csrfToken(late)), false)
	if res.status != http.StatusConflict || !strings.Contains(res.body, "took the username grace") || !strings.Contains(res.body, `value="grace@example.com"`) {
		t.Fatalf("a name taken before confirming: %d\n%s", res.status, res.body)
	}
	if n := s.count(`SELECT COUNT(*) FROM users`); n != 2 {
		t.Fatalf("%d users, want ada and the first grace", n)
	}
}

// Without the shop's own address no link can be trusted: sign-up says it
// is not available and sends nothing.
func TestSignUpNeedsTheBaseURL(t *testing.T) {
	cfg := defaultConfig()
	cfg.BaseURL = ""
	s := newTestShop(t, cfg)
	res := s.askToSignUp("ada", "ada@example.com", "correct horse")
	if res.status != http.StatusServiceUnavailable || !strings.Contains(res.body, "not available") {
		t.Fatalf("%d", res.status)
	}
	if n := s.count(`SELECT COUNT(*) FROM signups`) + s.count(`SELECT COUNT(*) FROM outbox`); n != 0 {
		t.Fatalf("%d rows written", n)
	}
}

// Sign-ups and reset requests are limited per client address (a clear
// 429 past it, another address unaffected), and the emails sign-ups send
// one address are limited however many addresses ask, with the same
// answer.
func TestSignUpsAndResetsAreLimitedPerAddress(t *testing.T) {
	cfg := defaultConfig()
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	s := newTestShop(t, cfg)
	from := func(addr, path string, fields ...string) response {
		return s.postFrom(addr, s.csrfToken(path), path, fields...)
	}
	signUp := func(addr, email string) response {
		return from(addr, "/accounts/signup/", "username", strings.Split(email, "@")[0], "email", email,
			"password1", "correct horse", "password2", "correct horse")
	}
	reset := func(addr, email string) response {
		return from(addr, "/accounts/password/reset/", "email", email)
	}
	const attacker, other = "203.0.113.7", "198.51.100.20"
	for name, ask := range map[string]func(addr, email string) response{"sign-up": signUp, "reset": reset} {
		for i := range 10 {
			if res := ask(attacker, fmt.Sprintf("%s%d@example.com", strings.ReplaceAll(name, "-", ""), i)); res.status != http.StatusSeeOther {
				t.Fatalf("%s %d: %d", name, i+1, res.status)
			}
		}
		res := ask(attacker, name+"x@example.com")
		if res.status != http.StatusTooManyRequests || !strings.Contains(res.body, "from your network in the last hour") {
			t.Fatalf("%s 11 from one address: %d", name, res.status)
		}
		if res := ask(other, name+"y@example.com"); res.status != http.StatusSeeOther {
			t.Fatalf("%s from another address: %d", name, res.status)
		}
	}
	for i := range 6 {
		if res := signUp(fmt.Sprintf("10.0.0.%d", i+1), "carol@example.com"); res.status != http.StatusSeeOther || res.header.Get("Location") != "/accounts/signup/sent/" {
			t.Fatalf("sign-up %d for one email: %d", i+1, res.status)
		}
	}
	if n := len(s.emailsTo("carol@example.com")); n != 3 {
		t.Fatalf("%d emails to one address from 6 sign-ups, want 3", n)
	}
}

// postFrom posts a form as a shopper at addr would, through a trusted
// proxy (the shop must trust loopback), with the CSRF token tok.
func (s *testShop) postFrom(addr, tok, path string, fields ...string) response {
	s.t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.server.URL+path, strings.NewReader(form(append([]string{"csrf_token", tok}, fields...)...).Encode()))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.server.URL)
	req.Header.Set("X-Forwarded-For", addr)
	return s.do(req)
}

// logInFrom logs in as a shopper at addr would.
func (s *testShop) logInFrom(addr, login, password string) response {
	s.t.Helper()
	return s.postFrom(addr, s.csrfToken("/accounts/login/"), "/accounts/login/", "login", login, "password", password)
}

// timingShop hashes at bcrypt's default cost, as a real shop does, and
// trusts loopback as its proxy, so that each timed request can come from
// an address of its own (nthAddr) and no throttle plays a part.
func timingShop(t *testing.T) *testShop {
	t.Helper()
	if testing.Short() {
		t.Skip("hashes at bcrypt's default cost")
	}
	cfg := defaultConfig()
	cfg.BcryptCost = bcrypt.DefaultCost
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	return newTestShop(t, cfg)
}

func nthAddr(i int) string { return fmt.Sprintf("10.0.%d.%d", i/250, i%250+1) }

func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// Wrong passwords are refused with the same message whether or not the
// account exists, and slowed: five failures for an account from one
// address lock that address out of that account (its username and email
// count as one), fifty from one address lock it out of every account, and
// neither stops the account's owner logging in from elsewhere.
func TestWrongPasswordsAreRefusedAndSlowed(t *testing.T) {
	cfg := defaultConfig()
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	s := newTestShop(t, cfg)
	s.signUp("ada", "ada@example.com", "correct horse")
	s.logOut()
	const attacker, owner = "203.0.113.7", "198.51.100.20"
	res := s.logInFrom(attacker, "ada", "wrong horse")
	if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "do not match an account") {
		t.Fatalf("wrong password: %d", res.status)
	}
	// The same answer for an account that does not exist.
	if res := s.logInFrom(attacker, "nobody", "wrong horse"); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "do not match an account") {
		t.Fatalf("unknown account: %d", res.status)
	}
	// Four more for ada, by her username and her email: five in all.
	for _, login := range []string{"ada@example.com", "ADA", "ada", "Ada@Example.com"} {
		s.logInFrom(attacker, login, "wrong horse")
	}
	res = s.logInFrom(attacker, "ada", "correct horse")
	if res.status != http.StatusTooManyRequests || !strings.Contains(res.body, "Too many failed log-ins") {
		t.Fatalf("the attacker's address after 5 failures: %d", res.status)
	}
	// The owner, from her own address, is not locked out.
	if res := s.logInFrom(owner, "ada", "correct horse"); res.status != http.StatusSeeOther {
		t.Fatalf("the owner from another address: %d, want in", res.status)
	}
	s.logOut()
	// Another account from the attacker's address is not locked by ada's
	// failures...
	s.signUp("bob", "bob@example.com", "bobs password")
	s.logOut()
	if res := s.logInFrom(attacker, "bob", "bobs password"); res.status != http.StatusSeeOther {
		t.Fatalf("another account from the same address: %d", res.status)
	}
	s.logOut()
	// ...until the address has failed fifty times, for any accounts.
	for i := range 44 {
		s.logInFrom(attacker, fmt.Sprintf("guess%02d", i), "wrong horse")
	}
	if res := s.logInFrom(attacker, "bob", "bobs password"); res.status != http.StatusTooManyRequests {
		t.Fatalf("after fifty failures from one address: %d", res.status)
	}
	// Once the window has passed, the right password works again.
	s.exec(`UPDATE login_failures SET failed_at = ?`, store.Time(time.Now().Add(-time.Hour)))
	if res := s.logInFrom(attacker, "ada", "correct horse"); res.status != http.StatusSeeOther {
		t.Fatalf("after the window: %d", res.status)
	}
}

func TestChangePassword(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.signUp("ada", "ada@example.com", "correct horse")
	tok := s.csrfToken("/accounts/password/change/")
	if res := s.post("/accounts/password/change/", form("csrf_token", tok, "old_password", "wrong", "password1", "battery staple", "password2", "battery staple"), false); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("wrong current password: %d", res.status)
	}
	if res := s.post("/accounts/password/change/", form("csrf_token", tok, "old_password", "correct horse", "password1", "battery staple", "password2", "battery staple"), false); res.status != http.StatusSeeOther {
		t.Fatalf("change: %d", res.status)
	}
	s.logOut()
	if res := s.logIn("ada", "correct horse"); res.status != http.StatusUnprocessableEntity {
		t.Fatalf("the old password still works: %d", res.status)
	}
	if res := s.logIn("ada", "battery staple"); res.status != http.StatusSeeOther {
		t.Fatalf("the new password: %d", res.status)
	}
}

var resetLink = regexp.MustCompile(`https://shop\.example(/accounts/password/reset/[A-Za-z0-9_-]{43}/)`)

const resetSubject = "Reset your Boutique password"

func TestPasswordResetByEmailedLink(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.signUp("ada", "ada@example.com", "correct horse")
	s.logOut()
	ask := func(email string) response {
		tok := s.csrfToken("/accounts/password/reset/")
		return s.post("/accounts/password/reset/", form("csrf_token", tok, "email", email), false)
	}
	// The same answer whether or not the account exists.
	known, unknown := ask("ada@example.com"), ask("nobody@example.com")
	if known.status != unknown.status || known.header.Get("Location") != unknown.header.Get("Location") {
		t.Fatalf("known %d %q, unknown %d %q", known.status, known.header.Get("Location"), unknown.status, unknown.header.Get("Location"))
	}
	if n := s.count(`SELECT COUNT(*) FROM outbox WHERE subject = ?`, resetSubject); n != 1 {
		t.Fatalf("%d reset emails, want only the one to the account", n)
	}
	link := s.emailedLink("ada@example.com", resetLink)
	if link == "" {
		t.Fatalf("no link in:\n%s", s.emailsTo("ada@example.com")[0])
	}
	tok := s.csrfToken(link)
	if res := s.post(link, form("csrf_token", tok, "password1", "battery staple", "password2", "battery staple"), false); res.status != http.StatusSeeOther {
		t.Fatalf("reset: %d", res.status)
	}
	if res := s.logIn("ada", "battery staple"); res.status != http.StatusSeeOther {
		t.Fatalf("the new password: %d", res.status)
	}
	s.logOut()
	// Used once: the link is spent.
	tok = s.csrfToken("/accounts/password/reset/")
	if res := s.post(link, form("csrf_token", tok, "password1", "another pass", "password2", "another pass"), false); res.status != http.StatusGone || !strings.Contains(res.body, "expired or has been used") {
		t.Fatalf("reused link: %d", res.status)
	}
	// An expired link does nothing either.
	ask("ada@example.com")
	link2 := s.emailedLink("ada@example.com", resetLink)
	s.exec(`UPDATE password_resets SET expires_at = '2000-01-01T00:00:00.000Z' WHERE used_at IS NULL`)
	if res := s.post(link2, form("csrf_token", tok, "password1", "another pass", "password2", "another pass"), false); res.status != http.StatusGone {
		t.Fatalf("expired link: %d", res.status)
	}
	if res := s.logIn("ada", "another pass"); res.status == http.StatusSeeOther {
		t.Fatal("an expired link changed the password")
	}
	// Opening a spent, expired or mangled link says why it does not work
	// and offers a new one.
	for _, l := range []string{link, link2, "/accounts/password/reset/not-a-token/"} {
		if res := s.get(l); res.status != http.StatusGone || !strings.Contains(res.body, "works once, for an hour") ||
			!strings.Contains(res.body, "Email me a link") {
			t.Errorf("GET %s: %d", l, res.status)
		}
	}
}

func TestProfilePagesNeedALogIn(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	for _, path := range []string{"/profile/", "/accounts/password/change/", "/profile/order_history/0123456789ABCDEF0123456789ABCDEF/"} {
		res := s.get(path)
		if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/accounts/login/?next=") {
			t.Errorf("%s: %d %q", path, res.status, res.header.Get("Location"))
		}
	}
}

// The Host-header attack: a reset asked for with a foreign Host (and an
// Origin to match, which passes the CSRF check) must not email a link to
// that host. Links come from BOUTIQUE_BASE_URL alone, whatever Host,
// X-Forwarded-Host or X-Forwarded-Proto say, from a trusted proxy or not;
// without it no reset email is sent at all.
func TestResetLinksNeverComeFromTheRequest(t *testing.T) {
	attacks := map[string]map[string]string{
		"Host":              {"Host": "evil.example", "Origin": "http://evil.example"},
		"X-Forwarded-Host":  {"X-Forwarded-Host": "evil.example"},
		"X-Forwarded-Proto": {"X-Forwarded-Proto": "http", "X-Forwarded-Host": "evil.example:80"},
	}
	for _, trusted := range []bool{false, true} {
		for name, headers := range attacks {
			for _, configured := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s trusted proxy %v base URL %v", name, trusted, configured), func(t *testing.T) {
					cfg := defaultConfig()
					if trusted {
						cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
					}
					if !configured {
						cfg.BaseURL = ""
					}
					s := newTestShop(t, cfg)
					s.exec(`INSERT INTO users (username, email, password_hash) VALUES ('ada', 'ada@example.com', 'x')`)
					// The attacker fetches the form with the same headers, for a
					// token and cookie that go together.
					page, err := http.NewRequest(http.MethodGet, s.server.URL+"/accounts/password/reset/", nil)
					if err != nil {
						t.Fatal(err)
					}
					if h, ok := headers["Host"]; ok {
						page.Host = h
					}
					m := csrfField.FindStringSubmatch(s.do(page).body)
					if m == nil {
						t.Fatal("no csrf_token on the reset page")
					}
					tok := html.UnescapeString(m[1])
					req, err := http.NewRequest(http.MethodPost, s.server.URL+"/accounts/password/reset/",
						strings.NewReader(form("csrf_token", tok, "email", "ada@example.com").Encode()))
					if err != nil {
						t.Fatal(err)
					}
					req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					req.Header.Set("Origin", s.server.URL)
					for k, v := range headers {
						if k == "Host" {
							req.Host = v
						} else {
							req.Header.Set(k, v)
						}
					}
					res := s.do(req)
					var bodies []string
					rows, err := s.pool.Query(`SELECT body FROM outbox`)
					if err != nil {
						t.Fatal(err)
					}
					for rows.Next() {
						var b string
						rows.Scan(&b)
						bodies = append(bodies, b)
					}
					rows.Close()
					for _, b := range bodies {
						if strings.Contains(b, "evil.example") {
							t.Fatalf("an email links to the attacker's host:\n%s", b)
						}
					}
					if !configured {
						if len(bodies) != 0 || res.status != http.StatusServiceUnavailable || !strings.Contains(res.body, "not available") {
							t.Fatalf("without a base URL: %d, %d emails", res.status, len(bodies))
						}
						return
					}
					if res.status != http.StatusSeeOther || len(bodies) != 1 || resetLink.FindStringSubmatch(bodies[0]) == nil {
						t.Fatalf("%d, %d emails: %v", res.status, len(bodies), bodies)
					}
				})
			}
		}
	}
}

// HTTPS answers tell browsers to keep to HTTPS for 180 days, unless the
// owner turns it off; plain HTTP answers never do.
func TestHSTSOnHTTPS(t *testing.T) {
	for _, on := range []bool{true, false} {
		cfg := defaultConfig()
		cfg.HSTS = on
		jar, _ := cookiejar.New(nil)
		s := serveShop(t, storetest.Open(t), cfg, jar, httptest.NewTLSServer)
		got := s.get("/").header.Get("Strict-Transport-Security")
		if on && got != "max-age=15552000" || !on && got != "" {
			t.Errorf("HSTS %v over HTTPS: %q", on, got)
		}
	}
	s := newTestShop(t, defaultConfig())
	if got := s.get("/").header.Get("Strict-Transport-Security"); got != "" {
		t.Errorf("over plain HTTP: %q", got)
	}
}

// A log-in takes as long for an account that does not exist as for one
// that does: the unknown one is checked against a hash of the same cost.
func TestLogInTimingDoesNotTellWhichAccountsExist(t *testing.T) {
	s := timingShop(t)
	s.signUp("ada", "ada@example.com", "correct horse")
	s.logOut()
	tok := s.csrfToken("/accounts/login/")
	attempt := func(i int, login, password string) time.Duration {
		start := time.Now()
		if res := s.postFrom(nthAddr(i), tok, "/accounts/login/", "login", login, "password", password); res.status != http.StatusUnprocessableEntity && res.status != http.StatusSeeOther {
			t.Fatalf("log-in as %s: %d", login, res.status)
		}
		return time.Since(start)
	}
	var known, unknown []time.Duration
	for i := range 4 { // warm up, and the dummy hash is made
		attempt(1000+i, fmt.Sprintf("nobody%d", i), "wrong password")
	}
	for i := range 20 {
		// A guess at a fresh name each time for the unknown account, and
		// at ada's password for the known one, as an attacker probing
		// for accounts would, each from an address of its own (so no
		// throttle plays a part): every attempt checks one hash and
		// records one failure.
		unknown = append(unknown, attempt(2*i, fmt.Sprintf("ghost%d", i), "wrong password"))
		known = append(known, attempt(2*i+1, "ada", "wrong password"))
	}
	k, u := median(known), median(unknown)
	t.Logf("median log-in: existing account %s, unknown %s", k, u)
	if ratio := float64(u) / float64(k); ratio < 0.8 || ratio > 1.2 {
		t.Fatalf("unknown/existing = %.2f, want within 20%%", ratio)
	}
}

// browser is another shopper's browser on the same shop: cookies of its own.
func (s *testShop) browser() *testShop {
	jar, _ := cookiejar.New(nil)
	other := *s
	other.client = newClient(s.server, jar)
	return &other
}

func signedIn(t *testing.T, s *testShop) bool {
	t.Helper()
	res := s.get("/profile/")
	return res.status == http.StatusOK
}

// A password change signs out every other session of the account (a
// stolen session does not survive it) and spends the reset links it had;
// a reset signs out every session.
func TestNewPasswordsEndOtherSessions(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.signUp("ada", "ada@example.com", "correct horse")
	thief := s.browser()
	if res := thief.logIn("ada", "correct horse"); res.status != http.StatusSeeOther || !signedIn(t, thief) {
		t.Fatalf("the second session's log-in: %d", res.status)
	}
	// A reset link asked for before the change.
	asker := s.browser()
	tok := asker.csrfToken("/accounts/password/reset/")
	asker.post("/accounts/password/reset/", form("csrf_token", tok, "email", "ada@example.com"), false)
	early := s.emailedLink("ada@example.com", resetLink)

	tok = s.csrfToken("/accounts/password/change/")
	if res := s.post("/accounts/password/change/", form("csrf_token", tok, "old_password", "correct horse",
		"password1", "battery staple", "password2", "battery staple"), false); res.status != http.StatusSeeOther {
		t.Fatalf("change: %d", res.status)
	}
	if !signedIn(t, s) {
		t.Fatal("the session that changed the password was signed out")
	}
	if signedIn(t, thief) {
		t.Fatal("another session of the account survived the password change")
	}
	if res := thief.get("/profile/"); res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/accounts/login/") {
		t.Fatalf("the other session's profile: %d %q, want the log-in page", res.status, res.header.Get("Location"))
	}
	tok = asker.csrfToken(early)
	if res := asker.post(early, form("csrf_token", tok, "password1", "mallory wins", "password2", "mallory wins"), false); res.status != http.StatusGone {
		t.Fatalf("a reset link from before the change: %d, want 410", res.status)
	}

	// A reset, from a third browser: every session is signed out.
	if res := thief.logIn("ada", "battery staple"); res.status != http.StatusSeeOther || !signedIn(t, thief) {
		t.Fatalf("log-in with the new password: %d", res.status)
	}
	tok = asker.csrfToken("/accounts/password/reset/")
	asker.post("/accounts/password/reset/", form("csrf_token", tok, "email", "ada@example.com"), false)
	link := s.emailedLink("ada@example.com", resetLink)
	tok = asker.csrfToken(link)
	if res := asker.post(link, form("csrf_token", tok, "password1", "third one here", "password2", "third one here"), false); res.status != http.StatusSeeOther {
		t.Fatalf("reset: %d", res.status)
	}
	if signedIn(t, s) || signedIn(t, thief) {
		t.Fatal("a session survived the reset")
	}
	if res := s.logIn("ada", "third one here"); res.status != http.StatusSeeOther || !signedIn(t, s) {
		t.Fatalf("log-in after the reset: %d", res.status)
	}
}

// Forty reset requests for one address queued forty emails with forty
// live links: now an account gets at most three reset emails an hour, and
// each new link spends the one before. The page says the same either way.
func TestResetEmailsAreLimited(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.signUp("ada", "ada@example.com", "correct horse")
	s.logOut()
	var answers []string
	for range 10 {
		tok := s.csrfToken("/accounts/password/reset/")
		res := s.post("/accounts/password/reset/", form("csrf_token", tok, "email", "ada@example.com"), false)
		answers = append(answers, fmt.Sprint(res.status, res.header.Get("Location")))
	}
	for _, a := range answers[1:] {
		if a != answers[0] {
			t.Fatalf("the answers differ once the limit is reached: %q and %q", answers[0], a)
		}
	}
	var links []string
	for _, b := range s.emailsTo("ada@example.com") {
		if m := resetLink.FindStringSubmatch(b); m != nil {
			links = append([]string{m[1]}, links...) // oldest first
		}
	}
	if len(links) != 3 {
		t.Fatalf("%d reset emails for 10 requests, want 3", len(links))
	}
	var live int
	s.pool.QueryRow(`SELECT COUNT(*) FROM password_resets WHERE used_at IS NULL`).Scan(&live)
	if live != 1 {
		t.Fatalf("%d live reset links, want 1", live)
	}
	for i, link := range links {
		tok := s.csrfToken(link)
		res := s.post(link, form("csrf_token", tok, "password1", "battery staple", "password2", "battery staple"), false)
		if want := map[bool]int{true: http.StatusSeeOther, false: http.StatusGone}[i == len(links)-1]; res.status != want {
			t.Errorf("link %d: %d, want %d", i+1, res.status, want)
		}
	}
}
