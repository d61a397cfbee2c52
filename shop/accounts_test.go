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

func (s *testShop) signUp(username, email, password string) response {
	s.t.Helper()
	tok := s.csrfToken("/accounts/signup/")
	return s.post("/accounts/signup/", form("csrf_token", tok, "username", username, "email", email,
		"password1", password, "password2", password), false)
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

func TestSignUpRefusesDuplicatesAndBadInput(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.signUp("ada", "ada@example.com", "correct horse")
	s.logOut()
	tests := []struct {
		username, email, password, says string
	}{
		{"ADA", "other@example.com", "correct horse", "That username is taken."},
		{"grace", "Ada@Example.com", "correct horse", "can&#39;t create an account with that email address"},
		{"g", "g@example.com", "correct horse", "Use 3 to 30 letters"},
		{"grace", "not-an-email", "correct horse", "Enter an email address"},
		{"grace", "grace@example.com", "short", "Use at least 8 characters."},
	}
	for _, tt := range tests {
		res := s.signUp(tt.username, tt.email, tt.password)
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, tt.says) {
			t.Errorf("sign up %q %q: %d, want 422 saying %q", tt.username, tt.email, res.status, tt.says)
		}
	}
	var users int
	s.pool.QueryRow(`SELECT COUNT(*) FROM users`).Scan(&users)
	if users != 1 {
		t.Fatalf("%d users", users)
	}
}

// logInFrom logs in as a shopper at addr would, through a trusted proxy
// (the test shop trusts loopback).
func (s *testShop) logInFrom(addr, login, password string) response {
	s.t.Helper()
	tok := s.csrfToken("/accounts/login/")
	req, err := http.NewRequest(http.MethodPost, s.server.URL+"/accounts/login/",
		strings.NewReader(form("csrf_token", tok, "login", login, "password", password).Encode()))
	if err != nil {
		s.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.server.URL)
	req.Header.Set("X-Forwarded-For", addr)
	return s.do(req)
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
	var body string
	if err := s.pool.QueryRow(`SELECT body FROM outbox WHERE recipient = 'ada@example.com'`).Scan(&body); err != nil {
		t.Fatalf("no reset email: %v", err)
	}
	var n int
	s.pool.QueryRow(`SELECT COUNT(*) FROM outbox`).Scan(&n)
	if n != 1 {
		t.Fatalf("%d emails, want only the one to the account", n)
	}
	m := resetLink.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link in:\n%s", body)
	}
	link := m[1]
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
	var second string
	s.pool.QueryRow(`SELECT body FROM outbox WHERE recipient = 'ada@example.com' ORDER BY id DESC LIMIT 1`).Scan(&second)
	link2 := resetLink.FindStringSubmatch(second)[1]
	s.exec(`UPDATE password_resets SET expires_at = '2000-01-01T00:00:00.000Z' WHERE used_at IS NULL`)
	if res := s.post(link2, form("csrf_token", tok, "password1", "another pass", "password2", "another pass"), false); res.status != http.StatusGone {
		t.Fatalf("expired link: %d", res.status)
	}
	if res := s.logIn("ada", "another pass"); res.status == http.StatusSeeOther {
		t.Fatal("an expired link changed the password")
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
					s.signUp("ada", "ada@example.com", "correct horse")
					s.logOut()
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
	if testing.Short() {
		t.Skip("hashes at bcrypt's default cost")
	}
	cfg := defaultConfig()
	cfg.BcryptCost = bcrypt.DefaultCost
	// Each attempt from its own address, through a trusted proxy, so that
	// throttling plays no part.
	cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
	s := newTestShop(t, cfg)
	s.signUp("ada", "ada@example.com", "correct horse")
	s.logOut()
	tok := s.csrfToken("/accounts/login/")
	attempt := func(i int, login, password string) time.Duration {
		req, _ := http.NewRequest(http.MethodPost, s.server.URL+"/accounts/login/",
			strings.NewReader(form("csrf_token", tok, "login", login, "password", password).Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", s.server.URL)
		req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.0.%d.%d", i/250, i%250+1))
		start := time.Now()
		if res := s.do(req); res.status != http.StatusUnprocessableEntity && res.status != http.StatusSeeOther {
			t.Fatalf("log-in as %s: %d", login, res.status)
		}
		return time.Since(start)
	}
	var known, unknown []time.Duration
	for i := range 4 { // warm up, and the dummy hash is made
		attempt(1000+i, fmt.Sprintf("nobody%d", i), "wrong password")
	}
	for i := range 20 {
		// A fresh name each time for the unknown account, and the known
		// one with its password (a failure would be throttled after five),
		// each from an address of its own: every attempt checks one hash.
		unknown = append(unknown, attempt(2*i, fmt.Sprintf("ghost%d", i), "wrong password"))
		known = append(known, attempt(2*i+1, "ada", "correct horse"))
	}
	median := func(ds []time.Duration) time.Duration {
		slices.Sort(ds)
		return ds[len(ds)/2]
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
	var body string
	if err := s.pool.QueryRow(`SELECT body FROM outbox WHERE recipient = 'ada@example.com'`).Scan(&body); err != nil {
		t.Fatal(err)
	}
	early := resetLink.FindStringSubmatch(body)[1]

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
	if err := s.pool.QueryRow(`SELECT body FROM outbox WHERE recipient = 'ada@example.com' ORDER BY id DESC LIMIT 1`).Scan(&body); err != nil {
		t.Fatal(err)
	}
	link := resetLink.FindStringSubmatch(body)[1]
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
	rows, err := s.pool.Query(`SELECT body FROM outbox WHERE recipient = 'ada@example.com' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var links []string
	for rows.Next() {
		var b string
		rows.Scan(&b)
		links = append(links, resetLink.FindStringSubmatch(b)[1])
	}
	rows.Close()
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
