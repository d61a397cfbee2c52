// Command bench measures the shop as a shopper and Stripe load it: it
// builds the real binary, starts it on a temporary database with a
// 172-product catalog and a fake Stripe, and drives each scenario with 32
// keep-alive clients for a fixed time, beside a plain net/http baseline
// page of 30 KB served from this process. It prints one table: rates,
// latencies, the ratio to the baseline, the CPU the shop and this process
// used, and the shop's CPU time a request; last, a crowd of new visitors
// (-visitors, 100,000) with a bag each, and the peak resident memory of
// the shop through all of it. Run it with `make bench`; BENCH_PROFILES=dir
// also saves CPU profiles of both for each scenario.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"boutique/cart"
	"boutique/payments"
	"boutique/payments/stripefake"
	"boutique/store"
)

// visitors is how many new visitors the last scenario brings (-visitors).
var visitors int

const (
	clients  = 32
	products = 172
	whSecret = "whsec_bench"
)

func main() {
	duration := flag.Duration("d", 5*time.Second, "how long each scenario runs")
	flag.IntVar(&visitors, "visitors", 100000, "how many new visitors fill a bag each in the last scenario (0: none)")
	flag.Parse()
	if err := bench(*duration); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type result struct {
	name     string
	requests int64
	failures int64
	rate     float64
	p50, p99 time.Duration
	note     string
	// CPU the shop and this process (load generator, baseline and fake
	// Stripe) used during the scenario, in cores.
	shopCPU, benchCPU float64
}

// shopPID is the shop's process, for its CPU time.
var shopPID int

// cpuSeconds is the user+system CPU time a process has used, from
// /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s on Linux).
func cpuSeconds(pid string) float64 {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	// The command name, field 2, is in parentheses and may hold spaces.
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 {
		s = s[i+1:]
	}
	f := strings.Fields(s)
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (ut + st) / 100
}

func bench(d time.Duration) error {
	dir, err := os.MkdirTemp("", "boutique-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "boutique")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		return fmt.Errorf("building: %w", err)
	}
	if os.Getenv("BENCH_ONLY") == "owner" {
		owner, peak, err := benchOwner(bin, dir, d)
		if err != nil {
			return err
		}
		printTable(owner, peak)
		return nil
	}
	dbPath := filepath.Join(dir, "shop.db")
	if out, err := exec.Command(bin, "demo", "-products", strconv.Itoa(products), "-db", dbPath).CombinedOutput(); err != nil {
		return fmt.Errorf("seeding: %v\n%s", err, out)
	}
	if stockAndCodes {
		if err := trackStock(dbPath); err != nil {
			return fmt.Errorf("tracking stock: %w", err)
		}
		fmt.Fprintf(os.Stderr, "bench: stock tracked on every product and size, and code %s in the shoppers' bags\n", benchCode)
	}

	fake := stripefake.New()
	defer fake.Close()
	metricsAddr, err := freeAddr()
	if err != nil {
		return err
	}
	args := []string{"serve", "-addr", "127.0.0.1:0", "-db", dbPath, "-metrics-addr", metricsAddr}
	profDir := os.Getenv("BENCH_PROFILES")
	if profDir != "" {
		args = append(args, "-pprof", "127.0.0.1:6061")
	}
	shop := exec.Command(bin, args...)
	shop.Env = []string{"PATH=/usr/bin:/bin", "STRIPE_PUBLIC_KEY=pk_test_bench", "STRIPE_SECRET_KEY=sk_test_bench",
		"STRIPE_WH_SECRET=" + whSecret, "STRIPE_API_BASE=" + fake.URL(),
		// Every shopper of the bench comes from loopback: one address.
		"BOUTIQUE_NEW_PAYMENTS_PER_ADDRESS=0"}
	stdout, err := shop.StdoutPipe()
	if err != nil {
		return err
	}
	if err := shop.Start(); err != nil {
		return err
	}
	shopPID = shop.Process.Pid
	defer shop.Process.Kill()
	base, err := waitServing(stdout)
	if err != nil {
		return err
	}
	var peakRSS atomic.Int64
	stopRSS := make(chan struct{})
	go watchRSS(shop.Process.Pid, &peakRSS, stopRSS)

	baseline := startBaseline()
	defer baseline.Close()

	transport := &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}
	newClient := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Transport: transport, Jar: jar, Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	// Readers only read product pages, in (1), (2) and (7), so that (2)
	// and (7) ask for the same pages; shoppers fill bags for (3) and (5).
	readers := make([]*http.Client, clients)
	shoppers := make([]*http.Client, clients)
	for i := range shoppers {
		readers[i], shoppers[i] = newClient(), newClient()
	}
	productURL := func(i int) string { return fmt.Sprintf("%s/products/%d/", base, 1+i%products) }

	var results []result
	fmt.Fprintf(os.Stderr, "bench: %d clients, %s a scenario\n", clients, d)

	results = append(results, load("GET /products/ (172 products, page 1 of 4)", d, func(c, i int) (int, error) {
		return get(readers[c], base+"/products/")
	}))
	results = append(results, load("GET /products/{id}/", d, func(c, i int) (int, error) {
		return get(readers[c], productURL(c*7919+i))
	}))

	// Each shopper gets a 3-line bag and a CSRF token.
	tokens := make([]string, clients)
	for c := range clients {
		tok, err := csrfToken(shoppers[c], productURL(c))
		if err != nil {
			return err
		}
		tokens[c] = tok
		for _, p := range []int{26 + c%7, 34 + c%6, 40 + c%5} {
			if st, err := post(shoppers[c], fmt.Sprintf("%s/bag/add/%d/", base, p), base, url.Values{"csrf_token": {tok}, "quantity": {"1"}}); err != nil || st != http.StatusSeeOther {
				return fmt.Errorf("filling a bag: %d %v", st, err)
			}
		}
		if stockAndCodes {
			if st, err := post(shoppers[c], base+"/bag/discount/", base, url.Values{"csrf_token": {tok}, "code": {benchCode}}); err != nil || st != http.StatusSeeOther {
				return fmt.Errorf("entering the code: %d %v", st, err)
			}
		}
	}
	results = append(results, load("GET /bag/ (3 lines)", d, func(c, i int) (int, error) {
		return get(shoppers[c], base+"/bag/")
	}))

	// Adds to a second set of sessions, cycling over the unsized products
	// so no line reaches 99; every accepted add must be in the database.
	adders := make([]*http.Client, clients)
	addTokens := make([]string, clients)
	for c := range adders {
		adders[c] = newClient()
		if addTokens[c], err = csrfToken(adders[c], productURL(25)); err != nil {
			return err
		}
	}
	var accepted atomic.Int64
	unsized := []int{}
	for p := 26; p <= 45; p++ {
		unsized = append(unsized, p)
	}
	// As the product page's form posts it with JavaScript on: htmx, which
	// answers with the mini bag.
	add := load("POST /bag/add/{id}/ (htmx)", d, func(c, i int) (int, error) {
		st, err := postAs(adders[c], fmt.Sprintf("%s/bag/add/%d/", base, unsized[i%len(unsized)]), base,
			url.Values{"csrf_token": {addTokens[c]}, "quantity": {"1"}}, true)
		if err == nil && st == http.StatusOK {
			accepted.Add(1)
		}
		return st, err
	})
	pool, err := store.OpenReadOnly(dbPath)
	if err != nil {
		return err
	}
	defer pool.Close()
	var inBags int64
	pool.QueryRow(`SELECT COALESCE(SUM(quantity), 0) FROM bag_lines WHERE product_id BETWEEN 26 AND 45`).Scan(&inBags)
	inBags -= 3 * clients // the 3-line bags above, one of each in 26..45
	add.note = fmt.Sprintf("%d adds accepted, %d in the bags", accepted.Load(), inBags)
	if inBags != accepted.Load() {
		add.note += " — LOST UPDATES"
	}
	results = append(results, add)

	results = append(results, load("GET /checkout/ (PaymentIntent reused)", d, func(c, i int) (int, error) {
		return get(shoppers[c], base+"/checkout/")
	}))

	// Webhooks: paid PaymentIntents of 3-line bags, one event each, from 4
	// senders, while 32 shoppers read product pages.
	lines := []cart.Line{{ProductID: 26, Quantity: 1, UnitPrice: 1600}, {ProductID: 27, Quantity: 2, UnitPrice: 4200}, {ProductID: 1, Size: "M", Quantity: 1, UnitPrice: 2400}}
	meta := map[string]string{"save_info": "false", "username": ""}
	payments.PutSplit(meta, "bag", cart.EncodeBag(lines), 0)
	amount := cart.DefaultRules.Price(lines).GrandTotal
	buyer := payments.Party{Name: "Bench Shopper", Email: "bench@example.com", Address: payments.Address{Line1: "1 Main St", City: "Cork", Country: "IE"}}
	const maxEvents = 60000
	events := make([]stripefake.Event, 0, maxEvents)
	for range maxEvents {
		id := fake.AddPaid(amount, "usd", meta, buyer)
		events = append(events, fake.IntentEvent("payment_intent.succeeded", id))
	}
	var next atomic.Int64
	var acked atomic.Int64
	send := func(c, i int) (int, error) {
		k := next.Add(1) - 1
		if k >= maxEvents {
			return 0, fmt.Errorf("out of events")
		}
		st, err := stripefake.Deliver(context.Background(), &http.Client{Transport: transport}, base+"/checkout/wh/", whSecret, events[k])
		if err == nil && st == http.StatusOK {
			acked.Add(1)
		}
		return st, err
	}
	// (6) the webhook stream on its own, then (7) product pages while the
	// same stream goes on.
	writes0, txs0 := writerCounters(metricsAddr)
	whRes := loadN("POST /checkout/wh/ (new orders, 4 senders)", d, 4, send)
	writes1, txs1 := writerCounters(metricsAddr)
	var readRes result
	done := make(chan struct{})
	go func() {
		defer close(done)
		readRes = load("GET /products/{id}/ during webhooks", d, func(c, i int) (int, error) {
			return get(readers[c], productURL(c*7919+i))
		})
	}()
	bg := loadN("(webhooks in the background)", d, 4, send)
	<-done
	var orders int64
	pool.QueryRow(`SELECT COUNT(*) FROM orders WHERE source = 'webhook'`).Scan(&orders)
	whRes.note = fmt.Sprintf("%d events acknowledged in all, %d orders; %.1f writes a commit", acked.Load(), orders,
		(writes1-writes0)/max(1, txs1-txs0))
	if orders != acked.Load() {
		whRes.note += " — MISMATCH"
	}
	readRes.note = fmt.Sprintf("beside %.0f webhook events/s", bg.rate)
	results = append(results, whRes, readRes)

	// Last, since they fill the database with new visitors' bags: every
	// request a first-time visitor's (no cookie to send, and none kept;
	// the page must store nothing for them), ...
	visitor := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	sessionsBefore, err := countSessions(dbPath)
	if err != nil {
		return err
	}
	firstVisit := load("GET /products/{id}/ as a first-time visitor (no cookie)", d, func(c, i int) (int, error) {
		return get(visitor, productURL(c*7919+i))
	})
	sessionsAfter, err := countSessions(dbPath)
	if err != nil {
		return err
	}
	firstVisit.note = fmt.Sprintf("%d sessions stored", sessionsAfter-sessionsBefore)
	results = append(results, firstVisit)
	// ... and a new visitor each time: the product page (for the CSRF
	// cookie and token), then the add as htmx posts it; the time is the
	// pair's.
	newVisitor := func(c, i int) (int, error) {
		cl := newClient()
		p := 26 + (c*31+i)%20
		tok, err := csrfToken(cl, productURL(p-1))
		if err != nil {
			return 0, err
		}
		return postAs(cl, fmt.Sprintf("%s/bag/add/%d/", base, p), base, url.Values{"csrf_token": {tok}, "quantity": {"1"}}, true)
	}
	var newVisitorAdds atomic.Int64
	visitorAdd := load("POST /bag/add/{id}/ as a new visitor each time", d, func(c, i int) (int, error) {
		st, err := newVisitor(c, i)
		if err == nil && st == http.StatusOK {
			newVisitorAdds.Add(1)
		}
		return st, err
	})
	visitorAdd.note = fmt.Sprintf("%d new visitors' bags", newVisitorAdds.Load())
	results = append(results, visitorAdd)

	// Last: a crowd of new visitors, each with a bag of its own (its
	// product page, then an add), to see what they cost in memory and in
	// the file.
	if visitors > 0 {
		res, err := crowd(dbPath, visitors, newVisitor)
		if err != nil {
			return err
		}
		results = append(results, res)
	}

	results = append(results, load("baseline: 30 KB page, plain net/http", d, func(c, i int) (int, error) {
		return get(shoppers[c], baseline.URL)
	}))
	close(stopRSS)
	printTable(results, peakRSS.Load())

	if os.Getenv("BENCH_OWNER") != "0" {
		owner, peak, err := benchOwner(bin, dir, d)
		if err != nil {
			return err
		}
		fmt.Printf("\nThe owner's pages, %d signed-in staff clients, on a shop of %d orders and %d products:\n", ownerClients, ownerOrders, ownerProducts)
		printTable(owner, peak)
	}
	return nil
}

// load runs fn from 32 clients for d.
func load(name string, d time.Duration, fn func(client, i int) (int, error)) result {
	return loadN(name, d, clients, fn)
}

// loadN runs fn from n clients for d, or until fn answers a negative
// status (its scenario has done its count).
func loadN(name string, d time.Duration, n int, fn func(client, i int) (int, error)) result {
	if dir := os.Getenv("BENCH_PROFILES"); dir != "" && !strings.HasPrefix(name, "(") && d < time.Minute {
		// A CPU profile of the shop for most of the scenario.
		go func() {
			res, err := http.Get(fmt.Sprintf("http://127.0.0.1:6061/debug/pprof/profile?seconds=%d", max(1, int(d.Seconds())-1)))
			if err != nil {
				return
			}
			defer res.Body.Close()
			f, err := os.Create(filepath.Join(dir, profileName(name)+".pprof"))
			if err == nil {
				io.Copy(f, res.Body)
				f.Close()
			}
		}()
		// And one of this process (load generator, baseline, fake Stripe).
		if f, err := os.Create(filepath.Join(dir, "bench-"+profileName(name)+".pprof")); err == nil {
			defer f.Close()
			if pprof.StartCPUProfile(f) == nil {
				defer pprof.StopCPUProfile()
			}
		}
	}
	var wg sync.WaitGroup
	lat := make([][]time.Duration, n)
	var failures atomic.Int64
	deadline := time.Now().Add(d)
	shop0, self0 := cpuSeconds(strconv.Itoa(shopPID)), cpuSeconds("self")
	start := time.Now()
	for c := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(deadline); i++ {
				t0 := time.Now()
				st, err := fn(c, i)
				if st < 0 { // the scenario has done its count
					break
				}
				lat[c] = append(lat[c], time.Since(t0))
				if err != nil || st >= 400 {
					failures.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	shopCPU := (cpuSeconds(strconv.Itoa(shopPID)) - shop0) / took.Seconds()
	benchCPU := (cpuSeconds("self") - self0) / took.Seconds()
	all := slices.Concat(lat...)
	slices.Sort(all)
	r := result{name: name, requests: int64(len(all)), failures: failures.Load(), shopCPU: shopCPU, benchCPU: benchCPU}
	if len(all) > 0 {
		r.rate = float64(len(all)) / took.Seconds()
		r.p50 = all[len(all)/2]
		r.p99 = all[len(all)*99/100]
	}
	fmt.Fprintf(os.Stderr, "bench: %-45s %8.0f req/s\n", name, r.rate)
	return r
}

// freeAddr is a loopback address with a port free at the time.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// writerCounters reads the shop's committed writes and write transactions
// from its metrics.
func writerCounters(addr string) (writes, txs float64) {
	res, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		return 0, 0
	}
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		name, value, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		v, _ := strconv.ParseFloat(value, 64)
		switch name {
		case `boutique_db_writes_total{outcome="committed"}`:
			writes = v
		case `boutique_db_write_transactions_total{outcome="committed"}`:
			txs = v
		}
	}
	return writes, txs
}

// profileName is a scenario's name as a file name.
func profileName(scenario string) string {
	return strings.NewReplacer("/", "_", " ", "_", "{", "", "}", "", "(", "", ")", "", ",", "", ":", "").Replace(scenario)
}

// get asks for a page as a browser does, compressed, but reads the
// compressed bytes without inflating them, as load generators such as wrk
// do: inflating was a third of this process's time, taken from the shop's
// two cores.
// crowd brings n new visitors (newVisitor: a product page, then an add to
// a bag of its own), 32 at a time; the note gives how much the database
// grew for each.
func crowd(dbPath string, n int, newVisitor func(c, i int) (int, error)) (result, error) {
	size := func() int64 {
		var total int64
		for _, suffix := range []string{"", "-wal"} {
			if fi, err := os.Stat(dbPath + suffix); err == nil {
				total += fi.Size()
			}
		}
		return total
	}
	before := size()
	bags0, err := countRows(dbPath, "bags")
	if err != nil {
		return result{}, err
	}
	var next atomic.Int64
	// At most 5 minutes, whatever n.
	res := loadN(fmt.Sprintf("%d new visitors, each a page and an add", n), 5*time.Minute, clients, func(c, i int) (int, error) {
		if next.Add(1) > int64(n) {
			return -1, nil
		}
		return newVisitor(c, i)
	})
	bags1, err := countRows(dbPath, "bags")
	if err != nil {
		return result{}, err
	}
	grew := size() - before
	res.note = fmt.Sprintf("%d bags; the database grew %.1f MB, %d bytes a bag (session, bag, line and their indexes)",
		bags1-bags0, float64(grew)/(1<<20), grew/max(1, bags1-bags0))
	return res, nil
}

// countRows counts a table's rows in the shop's database.
func countRows(dbPath, table string) (int64, error) {
	db, err := store.OpenReadOnly(dbPath)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int64
	err = db.QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n)
	return n, err
}

// countSessions counts the sessions stored in the shop's database.
func countSessions(dbPath string) (int64, error) {
	db, err := store.OpenReadOnly(dbPath)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int64
	err = db.QueryRow(`SELECT COUNT(*) FROM sessions`).Scan(&n)
	return n, err
}

func get(c *http.Client, u string) (int, error) {
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	return send(c, req)
}

// send sends a request asking for gzip (set by hand, the header turns off
// net/http's transparent inflating), reads the answer to its end so that
// the connection is kept, and gives its status.
func send(c *http.Client, req *http.Request) (int, error) {
	req.Header.Set("Accept-Encoding", "gzip")
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

func post(c *http.Client, u, origin string, form url.Values) (int, error) {
	return postAs(c, u, origin, form, false)
}

// postAs posts a form, as htmx does when asked.
func postAs(c *http.Client, u, origin string, form url.Values, htmx bool) (int, error) {
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", origin)
	if htmx {
		req.Header.Set("HX-Request", "true")
	}
	return send(c, req)
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func csrfToken(c *http.Client, page string) (string, error) {
	res, err := c.Get(page)
	if err != nil {
		return "", err
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := csrfField.FindSubmatch(b)
	if m == nil {
		return "", fmt.Errorf("no CSRF token on %s (%d)", page, res.StatusCode)
	}
	return html.UnescapeString(string(m[1])), nil
}

var servingURL = regexp.MustCompile(`msg=serving addr=\S+ url=(\S+)/ `)

func waitServing(stdout io.Reader) (string, error) {
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := servingURL.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	select {
	case u := <-found:
		return u, nil
	case <-time.After(60 * time.Second):
		return "", fmt.Errorf("the shop did not start within 60s")
	}
}

// watchRSS keeps the shop's peak resident memory (VmHWM).
func watchRSS(pid int, peak *atomic.Int64, stop <-chan struct{}) {
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
					kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
					if kb*1024 > peak.Load() {
						peak.Store(kb * 1024)
					}
				}
			}
		}
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

type baselineServer struct {
	srv *http.Server
	URL string
}

func (b *baselineServer) Close() { b.srv.Close() }

// startBaseline serves a fixed 30 KB HTML page with plain net/http.
func startBaseline() *baselineServer {
	var page strings.Builder
	page.WriteString("<!DOCTYPE html><html><head><title>Baseline</title></head><body>")
	rng := rand.New(rand.NewPCG(1, 1))
	for page.Len() < 30<<10-20 {
		fmt.Fprintf(&page, "<p>Product %d costs %d.%02d</p>", rng.IntN(1000), rng.IntN(200), rng.IntN(100))
	}
	page.WriteString("</body></html>")
	body := []byte(page.String())
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(body)
	})}
	go srv.Serve(ln)
	return &baselineServer{srv: srv, URL: "http://" + ln.Addr().String() + "/"}
}

func printTable(rs []result, peakRSS int64) {
	base := 0.0
	if last := rs[len(rs)-1]; strings.HasPrefix(last.name, "baseline") {
		base = last.rate
	}
	idle := 0.0
	for _, r := range rs {
		if r.name == "GET /products/{id}/" {
			idle = r.rate
		}
	}
	fmt.Printf("\n| scenario | req/s | p50 | p99 | vs baseline | errors | CPU shop/bench | shop CPU a request | notes |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, r := range rs {
		note := r.note
		if r.name == "GET /products/{id}/ during webhooks" && idle > 0 {
			note = fmt.Sprintf("%.0f%% of its idle rate, %s", 100*r.rate/idle, r.note)
		}
		perRequest := "–"
		if r.rate > 0 && r.shopCPU > 0.05 {
			perRequest = fmt.Sprintf("%.0f µs", 1e6*r.shopCPU/r.rate)
		}
		vs := "–"
		if base > 0 {
			vs = fmt.Sprintf("%.1f%%", 100*r.rate/base)
		}
		fmt.Printf("| %s | %.0f | %s | %s | %s | %d | %.2f/%.2f | %s | %s |\n", r.name, r.rate, r.p50.Round(10*time.Microsecond),
			r.p99.Round(10*time.Microsecond), vs, r.failures, r.shopCPU, r.benchCPU, perRequest, note)
	}
	fmt.Printf("\nPeak RSS of the shop: %.1f MB\n", float64(peakRSS)/(1<<20))
}
