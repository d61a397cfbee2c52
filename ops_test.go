package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/csv"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"boutique/store"
)

// selfSigned writes a certificate and key for 127.0.0.1 and returns their
// paths and a pool that trusts the certificate.
func selfSigned(t *testing.T) (certFile, keyFile string, roots *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "boutique test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	roots = x509.NewCertPool()
	roots.AddCert(cert)
	return certFile, keyFile, roots
}

var redirectLine = regexp.MustCompile(`msg="redirecting plain HTTP to HTTPS" addr=(\S+)`)

func TestServeOverTLS(t *testing.T) {
	certFile, keyFile, roots := selfSigned(t)
	s := startServeWith(t, noEnv, "-db", filepath.Join(t.TempDir(), "shop.db"),
		"-tls-cert", certFile, "-tls-key", keyFile, "-redirect-addr", "127.0.0.1:0")
	if !strings.HasPrefix(s.url, "https://") {
		t.Fatalf("serving at %s", s.url)
	}
	client := &http.Client{
		Timeout:       10 * time.Second,
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	res, err := client.Get(s.url + "/products/1/")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || res.TLS == nil {
		t.Fatalf("HTTPS: %d", res.StatusCode)
	}
	// A page that is only read sets the CSRF cookie alone (the session's
	// comes with the first change: TestCookies checks it over HTTPS).
	cookies := res.Cookies()
	if len(cookies) < 1 {
		t.Fatalf("%d cookies", len(cookies))
	}
	if hsts := res.Header.Get("Strict-Transport-Security"); hsts != "max-age=15552000" {
		t.Errorf("Strict-Transport-Security %q over HTTPS", hsts)
	}
	for _, c := range cookies {
		if !c.Secure || !c.HttpOnly {
			t.Errorf("cookie %s over HTTPS: Secure %v, HttpOnly %v", c.Name, c.Secure, c.HttpOnly)
		}
	}

	var redirectAddr string
	s.mu.Lock()
	for _, l := range s.log {
		if m := redirectLine.FindStringSubmatch(l); m != nil {
			redirectAddr = m[1]
		}
	}
	s.mu.Unlock()
	if redirectAddr == "" {
		t.Fatalf("no redirect listener:\n%s", s.logText())
	}
	res, err = client.Get("http://" + redirectAddr + "/products/?q=tee")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(s.url, "https://"))
	want := "https://127.0.0.1:" + port + "/products/?q=tee"
	if res.StatusCode != http.StatusPermanentRedirect || res.Header.Get("Location") != want {
		t.Fatalf("plain HTTP: %d to %q, want %q", res.StatusCode, res.Header.Get("Location"), want)
	}
}

// A client that sends its headers a byte a second is cut off by the
// read-header timeout.
func TestSlowHeadersAreCutOff(t *testing.T) {
	s := startServeWith(t, noEnv, "-db", filepath.Join(t.TempDir(), "shop.db"), "-read-header-timeout", "1s")
	conn, err := net.DialTimeout("tcp", strings.TrimPrefix(s.url, "http://"), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	request := "GET / HTTP/1.1\r\nHost: shop\r\nX-Slow: " + strings.Repeat("a", 20)
	cutOff := false
	for i := range len(request) {
		conn.SetWriteDeadline(time.Now().Add(2 * time.Second))
		if _, err := conn.Write([]byte{request[i]}); err != nil {
			cutOff = true
			break
		}
		// Is the server still listening? A closed connection reads EOF.
		conn.SetReadDeadline(time.Now().Add(time.Second))
		buf := make([]byte, 1)
		if _, err := conn.Read(buf); err == io.EOF || (err == nil && buf[0] != 0) {
			cutOff = true
			break
		} else if ne, ok := err.(net.Error); err != nil && !(ok && ne.Timeout()) {
			cutOff = true
			break
		}
	}
	took := time.Since(start)
	if !cutOff || took > 5*time.Second {
		t.Fatalf("cut off %v after %s, want within a few seconds of the 1s timeout", cutOff, took)
	}
}

// A backup taken while orders stream in opens, passes the integrity check,
// and holds every order committed before it began.
func TestBackupUnderLoad(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "shop.db")
	if err := run(ctx, []string{"boutique", "migrate", "-db", path}, noEnv, io.Discard); err != nil {
		t.Fatal(err)
	}
	st, _, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var written atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 100000; i++ {
				select {
				case <-stop:
					return
				default:
				}
				if err := insertOrder(st, fmt.Sprintf("%d-%d", w, i)); err != nil {
					t.Errorf("writing an order: %v", err)
					return
				}
				written.Add(1)
			}
		}()
	}
	// Let the stream get going, then back up in the middle of it.
	for written.Load() < 50 {
		time.Sleep(time.Millisecond)
	}
	var before int
	if err := st.DB().QueryRow(`SELECT COUNT(*) FROM orders`).Scan(&before); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "backup.db")
	var log strings.Builder
	if err := run(ctx, []string{"boutique", "backup", "-db", path, out}, noEnv, &log); err != nil {
		t.Fatal(err)
	}
	close(stop)
	wg.Wait()
	if !strings.Contains(log.String(), "integrity ok") {
		t.Fatalf("backup said: %s", log.String())
	}
	copyDB, err := sql.Open("sqlite", "file:"+out+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	var check string
	var inCopy int
	copyDB.QueryRow(`PRAGMA integrity_check`).Scan(&check)
	copyDB.QueryRow(`SELECT COUNT(*) FROM orders`).Scan(&inCopy)
	if check != "ok" || inCopy < before {
		t.Fatalf("integrity %q, %d orders in the backup, %d committed before it began", check, inCopy, before)
	}
	t.Logf("%d orders before the backup, %d in it, %d written in all", before, inCopy, written.Load())

	// Restore it over the database, the current one kept aside.
	st.Close()
	log.Reset()
	if err := run(ctx, []string{"boutique", "restore", "-db", path, out}, noEnv, &log); err != nil {
		t.Fatal(err)
	}
	restored, err := store.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	var n int
	restored.QueryRow(`SELECT COUNT(*) FROM orders`).Scan(&n)
	if n != inCopy || !strings.Contains(log.String(), "kept the current database as") {
		t.Fatalf("restored %d orders, want %d\n%s", n, inCopy, log.String())
	}
	if err := run(ctx, []string{"boutique", "backup", "-db", path, out}, noEnv, io.Discard); err == nil {
		t.Fatal("a backup over an existing file")
	}
}

func insertOrder(st *store.Store, key string) error {
	number := fmt.Sprintf("%032X", []byte(key + "................")[:16])
	return st.Write(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO orders (order_number, stripe_pid, source, original_bag, order_total, delivery_cost,
		grand_total, amount_paid, currency) VALUES (?, ?, 'webhook', '[]', 100, 0, 100, 100, 'usd')`, number, "pi_"+key)
		return err
	})
}

func TestMetricsEndpoint(t *testing.T) {
	s := startServeWith(t, noEnv, "-db", filepath.Join(t.TempDir(), "shop.db"), "-metrics-addr", "127.0.0.1:0")
	fetch(t, s.url+"/products/", "text/html")
	var metricsURL string
	re := regexp.MustCompile(`msg="serving metrics" addr=\S+ url=(\S+)`)
	s.mu.Lock()
	for _, l := range s.log {
		if m := re.FindStringSubmatch(l); m != nil {
			metricsURL = m[1]
		}
	}
	s.mu.Unlock()
	if metricsURL == "" {
		t.Fatalf("no metrics listener:\n%s", s.logText())
	}
	body := fetch(t, metricsURL, "text/plain")
	if !strings.Contains(body, `boutique_http_requests_total{route="GET /products/{$}",status="200"} 1`) {
		t.Fatalf("metrics:\n%s", body)
	}
	// The shop's own port does not serve them.
	res, err := http.Get(s.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("/metrics on the shop's port: %d", res.StatusCode)
	}
}

// restore refuses while a shop serves the database (an order acknowledged
// after it would land in the file moved aside), and so does a second
// serve; restores in the same second keep each database they replace.
func TestRestoreRefusesWhileTheShopRuns(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "shop.db")
	if err := run(ctx, []string{"boutique", "migrate", "-db", path}, noEnv, io.Discard); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "backup.db")
	if err := run(ctx, []string{"boutique", "backup", "-db", path, backup}, noEnv, io.Discard); err != nil {
		t.Fatal(err)
	}
	s := startServeWith(t, noEnv, "-db", path)
	err := run(ctx, []string{"boutique", "restore", "-db", path, backup}, noEnv, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "a running shop is serving the database") {
		t.Fatalf("restore beside a running shop: %v", err)
	}
	err = run(ctx, []string{"boutique", "serve", "-addr", "127.0.0.1:0", "-db", path}, noEnv, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "is another shop running on it?") {
		t.Fatalf("a second serve on the same file: %v", err)
	}
	s.stop(t)

	for range 3 {
		if err := run(ctx, []string{"boutique", "restore", "-db", path, backup}, noEnv, io.Discard); err != nil {
			t.Fatal(err)
		}
	}
	aside, _ := filepath.Glob(path + ".before-restore-*")
	var dbs []string
	for _, a := range aside {
		if !strings.HasSuffix(a, "-wal") && !strings.HasSuffix(a, "-shm") {
			dbs = append(dbs, a)
		}
	}
	if len(dbs) != 3 {
		t.Fatalf("3 restores kept %d databases aside: %v", len(dbs), aside)
	}
}

// boutique export writes the orders of a range of days as CSV, beside
// the running shop or not.
func TestExportCommand(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "shop.db")
	if err := run(ctx, []string{"boutique", "migrate", "-db", path}, noEnv, io.Discard); err != nil {
		t.Fatal(err)
	}
	st, _, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := insertOrder(st, "export-1"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	today := time.Now().UTC().Format(time.DateOnly)
	var out strings.Builder
	if err := run(ctx, []string{"boutique", "export", "-db", path, "-since", today, "-until", today}, noEnv, &out); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(out.String())).ReadAll()
	if err != nil || len(rows) != 2 || rows[0][0] != "order_number" || rows[0][11] != "grand_total" || rows[1][11] != "1.00" {
		t.Fatalf("%v %v", rows, err)
	}
	if err := run(ctx, []string{"boutique", "export", "-db", path, "-since", "yesterday", "-until", today}, noEnv, io.Discard); err == nil {
		t.Fatal("a date in another form was taken")
	}
}
