package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"boutique/store"
	"boutique/store/storetest"
)

func noEnv(string) string { return "" }

func TestHelpAndBadCommands(t *testing.T) {
	var out strings.Builder
	if err := run(context.Background(), []string{"boutique", "--help"}, noEnv, &out); err != nil {
		t.Fatalf("--help: %v", err)
	}
	for _, want := range []string{"boutique serve", "-addr", "127.0.0.1:8000", "boutique.db", "boutique migrate"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("help lacks %q", want)
		}
	}
	if err := run(context.Background(), []string{"boutique"}, noEnv, io.Discard); err == nil {
		t.Error("no command: no error")
	}
	if err := run(context.Background(), []string{"boutique", "sell"}, noEnv, io.Discard); err == nil || !strings.Contains(err.Error(), `"sell"`) {
		t.Errorf("unknown command: %v", err)
	}
	if err := run(context.Background(), []string{"boutique", "serve", "-port", "1"}, noEnv, io.Discard); err == nil {
		t.Error("unknown flag: no error")
	}
	env := func(k string) string {
		if k == "STRIPE_JS_URL" {
			return "js.stripe.com/v3"
		}
		return ""
	}
	if err := run(context.Background(), []string{"boutique", "serve", "-db", filepath.Join(t.TempDir(), "x.db")}, env, io.Discard); err == nil || !strings.Contains(err.Error(), "STRIPE_JS_URL") {
		t.Errorf("bad STRIPE_JS_URL: %v", err)
	}
}

func TestMigrateCommandTwice(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.db")
	var first, second strings.Builder
	if err := run(context.Background(), []string{"boutique", "migrate", "-db", path}, noEnv, &first); err != nil {
		t.Fatal(err)
	}
	all, err := store.Migrations()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(first.String(), "migration applied") || !strings.Contains(first.String(), fmt.Sprintf("applied=%d", len(all))) {
		t.Fatalf("first migrate said:\n%s", first.String())
	}
	if err := run(context.Background(), []string{"boutique", "migrate", "-db", path}, noEnv, &second); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(second.String(), "migration applied") || !strings.Contains(second.String(), "applied=0") {
		t.Fatalf("second migrate said:\n%s", second.String())
	}
}

// server is `boutique serve` running in this process on a free port.
type server struct {
	url    string
	cancel context.CancelFunc
	done   chan error
	mu     sync.Mutex
	log    []string
}

var servingAddr = regexp.MustCompile(`msg=serving addr=(\S+)`)

func startServe(t *testing.T, dbPath string) *server {
	t.Helper()
	return startServeWith(t, noEnv, "-db", dbPath)
}

var servingURL = regexp.MustCompile(`msg=serving addr=\S+ url=(\S+)/ `)

// startServeWith runs serve in this process with more flags and an
// environment, on a free port, and waits until it serves.
func startServeWith(t *testing.T, env func(string) string, flags ...string) *server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &server{cancel: cancel, done: make(chan error, 1)}
	addr := make(chan string, 1)
	logDone := make(chan struct{})
	go func() {
		defer close(logDone)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			s.mu.Lock()
			s.log = append(s.log, sc.Text())
			s.mu.Unlock()
			if m := servingURL.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	go func() {
		err := run(ctx, append([]string{"boutique", "serve", "-addr", "127.0.0.1:0"}, flags...), env, pw)
		pw.Close()
		<-logDone // every line logged is in s.log before done is sent
		s.done <- err
	}()
	select {
	case u := <-addr:
		s.url = u
	case err := <-s.done:
		t.Fatalf("serve stopped before serving: %v", err)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatal("serve did not start within 30s")
	}
	t.Cleanup(func() { s.stop(t) })
	return s
}

func (s *server) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	select {
	case err, ok := <-s.done:
		if ok && err != nil {
			t.Errorf("serve returned %v", err)
		}
		if ok {
			close(s.done)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30s")
	}
}

// logText is everything logged so far.
func (s *server) logText() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.log, "\n")
}

// waitLogged is logged for a line that may still be on its way: lines that
// follow each other closely are written together (logWriter).
func (s *server) waitLogged(substr string) bool {
	deadline := time.Now().Add(5 * time.Second)
	for !s.logged(substr) {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}

func (s *server) logged(substr string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.log {
		if strings.Contains(l, substr) {
			return true
		}
	}
	return false
}

var cardID = regexp.MustCompile(`class="product-card" data-product-id="\d+"`)

func TestServeKeepsItsDataAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.db")

	first := startServe(t, path)
	if body := fetch(t, first.url+"/healthz", "text/plain"); body != "ok\n" {
		t.Fatalf("healthz: %q", body)
	}
	body := fetch(t, first.url+"/products/", "text/html")
	n := len(cardID.FindAllString(body, -1))
	if n < 40 {
		t.Fatalf("the demo catalog shows %d products, want at least 40", n)
	}
	if !first.logged("demo catalog loaded") || !first.waitLogged("msg=request method=GET path=/products/ status=200 duration=") {
		t.Fatalf("log lacks the seeding or the request line:\n%s", first.logText())
	}
	first.stop(t)
	if !first.logged("msg=\"database closed\"") {
		t.Fatalf("the database was not closed cleanly:\n%s", first.logText())
	}
	if st, err := os.Stat(path + "-wal"); err == nil && st.Size() > 0 {
		t.Fatalf("a %d-byte write-ahead log was left behind", st.Size())
	}

	second := startServe(t, path)
	body = fetch(t, second.url+"/products/", "text/html")
	if got := len(cardID.FindAllString(body, -1)); got != n {
		t.Fatalf("after a restart %d products, want the same %d", got, n)
	}
	if second.logged("demo catalog loaded") || second.logged("migrations applied") {
		t.Fatalf("the restart re-seeded or re-migrated:\n%s", second.logText())
	}
}

// A request in flight when the signal comes is answered, from the
// database, before serve returns and closes it.
func TestServeShutsDownGracefully(t *testing.T) {
	inHandler := make(chan struct{})
	release := make(chan struct{})
	wrapHandler = func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/slow-health" {
				close(inHandler)
				<-release
				r.URL.Path = "/healthz"
			}
			next.ServeHTTP(w, r)
		})
	}
	t.Cleanup(func() { wrapHandler = nil })
	s := startServe(t, filepath.Join(t.TempDir(), "shop.db"))
	host := strings.TrimPrefix(s.url, "http://")

	type result struct {
		status int
		body   string
		err    error
	}
	answered := make(chan result, 1)
	go func() {
		client := &http.Client{Timeout: 30 * time.Second}
		res, err := client.Get(s.url + "/slow-health")
		if err != nil {
			answered <- result{err: err}
			return
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		answered <- result{res.StatusCode, string(b), err}
	}()
	select {
	case <-inHandler:
	case <-time.After(10 * time.Second):
		t.Fatal("the request never reached the handler")
	}

	s.cancel()
	// Shutdown has begun once the listener refuses new connections.
	waitFor(t, func() bool {
		c, err := net.DialTimeout("tcp", host, time.Second)
		if err != nil {
			return true
		}
		c.Close()
		return false
	})
	select {
	case err := <-s.done:
		t.Fatalf("serve returned (%v) with a request still in flight", err)
	default:
	}
	close(release)

	r := <-answered
	if r.err != nil || r.status != 200 || r.body != "ok\n" {
		t.Fatalf("the request in flight got %d %q, %v; want 200 from the database\n%s", r.status, r.body, r.err, s.logText())
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
		close(s.done)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not return after the last request")
	}
	if !s.logged("msg=stopped") || !s.logged(`msg="database closed"`) {
		t.Fatalf("no clean stop logged:\n%s", s.logText())
	}
}

// waitFor polls cond every 10ms for at most 10s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(errors.New("condition not met within 10s"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCreateAdminCreatesThenPromotes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.db")
	var out strings.Builder
	err := createAdmin(context.Background(), []string{"-db", path, "-username", "owner"},
		strings.NewReader("owner@example.com\ncorrect horse\n"), &out)
	if err != nil || !strings.Contains(out.String(), "created the staff account owner") {
		t.Fatalf("create: %v\n%s", err, out.String())
	}
	// A shopper's account made staff.
	st := storetest.OpenFile(t, path)
	storetest.Exec(t, st, `INSERT INTO users (username, email, password_hash) VALUES ('grace', 'grace@example.com', 'x')`)
	out.Reset()
	if err := run(context.Background(), []string{"boutique", "createadmin", "-db", path, "-username", "Grace"}, noEnv, &out); err != nil ||
		!strings.Contains(out.String(), "Grace is staff now") {
		t.Fatalf("promote: %v\n%s", err, out.String())
	}
	var staff int
	st.DB().QueryRow(`SELECT COUNT(*) FROM users WHERE is_staff = 1`).Scan(&staff)
	if staff != 2 {
		t.Fatalf("%d staff accounts", staff)
	}
	if err := createAdmin(context.Background(), []string{"-db", path, "-username", "weak"}, strings.NewReader("w@example.com\nshort\n"), io.Discard); err == nil {
		t.Fatal("a short password was taken")
	}
}

func TestServeWarnsWithoutAWebhookSecret(t *testing.T) {
	env := func(k string) string {
		switch k {
		case "STRIPE_PUBLIC_KEY":
			return "pk_test_x"
		case "STRIPE_SECRET_KEY":
			return "sk_test_x"
		}
		return ""
	}
	s := startServeWith(t, env, "-db", filepath.Join(t.TempDir(), "shop.db"))
	if !s.logged("STRIPE_WH_SECRET is not") || !s.logged("WILL GO UNRECORDED") {
		t.Fatalf("no warning:\n%s", s.logText())
	}
	quiet := startServeWith(t, func(k string) string {
		if k == "STRIPE_WH_SECRET" {
			return "whsec_x"
		}
		return env(k)
	}, "-db", filepath.Join(t.TempDir(), "shop.db"))
	if quiet.logged("WILL GO UNRECORDED") {
		t.Fatal("a warning although the webhook secret is set")
	}
}

// Emailed links take the shop's address from serve's own settings when
// BOUTIQUE_BASE_URL is not set: its -domain, or a loopback -addr, which
// no one but this machine can reach; never an address others can.
func TestTrustedBaseURL(t *testing.T) {
	tests := []struct {
		addr string
		n    netFlags
		want string
	}{
		{"127.0.0.1:8000", netFlags{}, "http://127.0.0.1:8000"},
		{"[::1]:8000", netFlags{}, "http://[::1]:8000"},
		{"localhost:8000", netFlags{}, "http://localhost:8000"},
		{"127.0.0.1:8443", netFlags{tlsCert: "c.pem", tlsKey: "k.pem"}, "https://127.0.0.1:8443"},
		{":443", netFlags{domain: "shop.example"}, "https://shop.example"},
		{"127.0.0.1:0", netFlags{}, ""},
		{":8000", netFlags{}, ""},
		{"0.0.0.0:8000", netFlags{}, ""},
		{"192.0.2.1:80", netFlags{}, ""},
		{"shop.example:80", netFlags{}, ""},
	}
	for _, tt := range tests {
		if got := trustedBaseURL(tt.addr, tt.n); got != tt.want {
			t.Errorf("trustedBaseURL(%q, %+v) = %q, want %q", tt.addr, tt.n, got, tt.want)
		}
	}
}
