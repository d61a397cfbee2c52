package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"boutique/cart"
	"boutique/payments"
	"boutique/payments/stripefake"
)

// The binary built without cgo is the whole shop: run from an empty folder,
// it serves its pages, styles, scripts and pictures, and stops cleanly on
// SIGTERM.
func TestStaticBinaryServesEverything(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := os.Stat("assets/vendor/htmx.min.js"); err != nil {
		t.Fatal("assets/vendor/htmx.min.js is missing: run `make assets` (npm ci) first")
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	// Nothing beside the binary, and no environment but PATH.
	proc := startBinary(t, bin, dir, []string{"PATH=/usr/bin:/bin"})
	base := proc.base

	home := fetch(t, base+"/", "text/html")
	for _, pattern := range []string{
		`href="(/static/css/boutique\.css\?v=\w+)"`,
		`src="(/static/vendor/htmx\.min\.js\?v=\w+)"`,
		`src="(/static/js/boutique\.js\?v=\w+)"`,
	} {
		m := regexp.MustCompile(pattern).FindStringSubmatch(home)
		if m == nil {
			t.Fatalf("home page lacks %s", pattern)
		}
		fetch(t, base+m[1], "")
	}
	list := fetch(t, base+"/products/", "text/html")
	img := regexp.MustCompile(`src="(/images/\d+/)"`).FindStringSubmatch(list)
	if img == nil {
		t.Fatal("no product picture on /products/")
	}
	if svg := fetch(t, base+img[1], "image/svg+xml"); !strings.HasPrefix(svg, "<svg") {
		t.Fatalf("picture is not SVG: %.40q", svg)
	}
	fetch(t, base+"/healthz", "text/plain")

	if err := proc.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-proc.exited:
		if err != nil {
			t.Fatalf("after SIGTERM the binary exited with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the binary did not stop within 30s of SIGTERM")
	}
}

func fetch(t *testing.T, url, contentType string) string {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	res, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || len(body) == 0 {
		t.Fatalf("%s: %d, %d bytes", url, res.StatusCode, len(body))
	}
	if contentType != "" && !strings.HasPrefix(res.Header.Get("Content-Type"), contentType) {
		t.Fatalf("%s: Content-Type %q, want %s", url, res.Header.Get("Content-Type"), contentType)
	}
	return string(body)
}

// buildBinary builds the shop without cgo into dir.
func buildBinary(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "boutique")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
	return bin
}

// process is the binary serving on a free loopback port.
type process struct {
	cmd    *exec.Cmd
	base   string
	exited chan error
}

// killGroup kills the process and any it started.
func (p *process) killGroup() { syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL) }

// startBinary runs `boutique serve` on shop.db in dir with the given
// environment, and waits until it serves.
func startBinary(t *testing.T, bin, dir string, env []string) *process {
	t.Helper()
	cmd := exec.Command(bin, "serve", "-addr", "127.0.0.1:0", "-db", "shop.db")
	cmd.Dir = dir
	cmd.Env = env
	// A group of its own, so that a wrapper (strace) and the shop under
	// it are killed together.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &process{cmd: cmd, exited: make(chan error, 1)}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := servingAddr.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		p.exited <- cmd.Wait()
	}()
	t.Cleanup(p.killGroup)
	select {
	case a := <-addr:
		p.base = "http://" + a
	case err := <-p.exited:
		t.Fatalf("the binary exited before serving: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the binary did not start serving within 30s")
	}
	return p
}

// paidCheckout makes a PaymentIntent as this shop's checkout would (the
// bag in its metadata, the server's total) and has the fake Stripe pay it
// for a shopper at email. It returns the PaymentIntent's id.
func paidCheckout(fake *stripefake.Fake, key, email string, lines []cart.Line) (string, error) {
	stripe := payments.New(payments.Config{SecretKey: "sk_test_binary", APIBase: fake.URL()})
	meta := map[string]string{"save_info": "false", "username": ""}
	payments.PutSplit(meta, "bag", cart.EncodeBag(lines), 0)
	in, err := stripe.Create(context.Background(), cart.DefaultRules.Price(lines).GrandTotal, "usd", key, meta)
	if err != nil {
		return "", err
	}
	buyer := payments.Party{Name: "Ada", Email: email, Address: payments.Address{Line1: "1 Main St", City: "Cork", Country: "IE"}}
	return in.ID, fake.Pay(in.ID, buyer, &buyer)
}
