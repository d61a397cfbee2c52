package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"boutique/demo"
	"boutique/orders"
	"boutique/payments"
	"boutique/shop"
	"boutique/store"
)

const usage = `Boutique: a web shop in one binary and one SQLite file.

Usage:
  boutique serve   [-addr HOST:PORT] [-db FILE] [-demo=true|false]
  boutique migrate [-db FILE]
  boutique reconcile [-since 72h] [-db FILE]
  boutique createadmin -username NAME [-email EMAIL] [-db FILE]
  boutique demo -products N [-db FILE]
  boutique backup [-db FILE] BACKUP
  boutique restore [-db FILE] BACKUP
  boutique export -since DATE -until DATE [-lines] [-db FILE]
  boutique help

Commands:
  serve    migrate the database, load the demo catalog into an empty one,
           and serve the shop until SIGINT or SIGTERM
  migrate  apply the database migrations and exit
  demo     load the demo catalog and add synthetic products up to -products
           (for benchmarks)
  backup   write a consistent copy of the live database (the shop keeps
           serving) and check it
  restore  put a backup in place of the database, keeping the current one
           beside it; stop the shop first
  export   write the orders of the days from -since to -until (2026-12-01,
           both included, in BOUTIQUE_TIME_ZONE) as CSV on standard output,
           one row an order, or with -lines one row an order line; safe
           beside the running shop
  createadmin
           make an account staff, creating it when there is none (asks for
           its email and password on standard input, or takes -email and
           BOUTIQUE_ADMIN_PASSWORD)
  reconcile
           ask Stripe for this shop's payments of the last -since (default
           72h) and record the order of every paid one that has none (a
           webhook missed while the shop was down); prints what it did.
           Safe beside a running shop, whose sender emails the shopper

Flags of serve:
  -addr                 address to listen on (default 127.0.0.1:8000)
  -db                   SQLite database file (default boutique.db)
  -demo                 load the demo catalog into an empty database (default true)
  -tls-cert, -tls-key   serve HTTPS with this certificate and key (PEM files)
  -domain               serve HTTPS for this domain with Let's Encrypt
                        certificates (kept in -cert-cache, default certs)
  -redirect-addr        also listen here and redirect plain HTTP to HTTPS
                        (default :80 with -domain)
  -trust-proxy          comma list of proxy addresses or CIDRs whose
                        X-Forwarded-Proto and X-Forwarded-For are trusted
  -metrics-addr         serve Prometheus metrics at /metrics on this address
  -read-header-timeout  how long a client may take to send headers (default 10s)

Environment:
  BOUTIQUE_CURRENCY                      ISO currency code of prices (default usd)
  BOUTIQUE_FREE_DELIVERY_THRESHOLD       bag total from which delivery is free
                                         (default 50.00)
  BOUTIQUE_STANDARD_DELIVERY_PERCENTAGE  delivery charge below it, as a percentage
                                         of the bag total (default 10)
  STRIPE_PUBLIC_KEY, STRIPE_SECRET_KEY   Stripe API keys (pk_..., sk_...); without
                                         them the checkout says what to set
  STRIPE_WH_SECRET                       signing secret of the webhook endpoint
  STRIPE_API_BASE                        Stripe API base URL (tests: stripe-mock)
  STRIPE_WH_ALLOW_OTHER_API_VERSION      accept webhook events of another API
                                         version than 2023-10-16 (default false)
  BOUTIQUE_BASE_URL                      the shop's public address, for links in
                                         emails (default: https:// and -domain,
                                         or -addr when it is a loopback address;
                                         without one, no sign-ups or resets)
  BOUTIQUE_HSTS                          Strict-Transport-Security on HTTPS
                                         answers (default true)
  BOUTIQUE_NEW_PAYMENTS_PER_BAG,         new PaymentIntents a bag, and a client
  BOUTIQUE_NEW_PAYMENTS_PER_ADDRESS      address, may start in an hour (default
                                         10 and 30; 0 for no limit)
  BOUTIQUE_CONTACT_EMAIL                 address emails give shoppers
  BOUTIQUE_TIME_ZONE                     the shop's time zone for the times pages
                                         and emails show, such as Europe/Dublin
                                         (default UTC)
  SMTP_HOST, SMTP_PORT (587), SMTP_USERNAME, SMTP_PASSWORD, SMTP_FROM
                                         mail server for the shop's emails;
                                         without SMTP_HOST emails are logged
  BOUTIQUE_EMAIL_LEASE                   how long the email sender's claim on an
                                         email holds (default 2m)
  STRIPE_JS_URL                          where the checkout loads Stripe.js from
                                         (default https://js.stripe.com/v3/)
`

// wrapHandler, when set (by tests only), wraps the shop's handler, so a
// test can hold a request in flight.
var wrapHandler func(http.Handler) http.Handler

// errUsage is returned for a command line that names no known command.
var errUsage = errors.New("see 'boutique help'")

// run is the whole program: main only supplies the process's context,
// arguments, environment and output.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) < 2 {
		fmt.Fprint(stdout, usage)
		return errors.New("no command given")
	}
	switch cmd, rest := args[1], args[2:]; cmd {
	case "serve":
		return serve(ctx, rest, getenv, stdout)
	case "migrate":
		return migrate(ctx, rest, stdout)
	case "reconcile":
		return reconcile(ctx, rest, getenv, stdout)
	case "demo":
		return demoCmd(ctx, rest, stdout)
	case "backup":
		return backup(ctx, rest, stdout)
	case "restore":
		return restore(ctx, rest, stdout)
	case "export":
		return exportCmd(ctx, rest, getenv, stdout)
	case "createadmin":
		return createAdmin(ctx, rest, os.Stdin, stdout)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return fmt.Errorf("unknown command %q: %w", cmd, errUsage)
	}
}

// parseFlags parses a command's flags; -h prints the usage and stops.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) (stop bool, err error) {
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, usage)
			return true, nil
		}
		return true, fmt.Errorf("%s: %w", fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return true, fmt.Errorf("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return false, nil
}

func migrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	dbPath := fs.String("db", "boutique.db", "SQLite database file")
	if stop, err := parseFlags(fs, args, stdout); stop {
		return err
	}
	log := slog.New(slog.NewTextHandler(stdout, nil))
	st, applied, err := store.Open(ctx, *dbPath, store.Options{Log: log})
	for _, m := range applied {
		log.Info("migration applied", "version", m.Version, "name", m.Name)
	}
	if err != nil {
		return err
	}
	defer st.Close()
	v, err := store.SchemaVersion(ctx, st.DB())
	if err != nil {
		return err
	}
	log.Info("database is up to date", "db", *dbPath, "schema_version", v, "applied", len(applied))
	return nil
}

// serveMemoryLimit is serve's soft limit on Go's memory (GOMEMLIMIT).
const serveMemoryLimit = 32 << 20

func serve(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8000", "address to listen on")
	dbPath := fs.String("db", "boutique.db", "SQLite database file")
	loadDemo := fs.Bool("demo", true, "load the demo catalog into an empty database")
	var net_ netFlags
	net_.register(fs)
	if stop, err := parseFlags(fs, args, stdout); stop {
		return err
	}
	cfg, err := shop.ConfigFromEnv(getenv)
	if err != nil {
		return err
	}
	// A soft limit on the memory Go manages, unless GOMEMLIMIT sets
	// another: near it the collector runs sooner, rather than letting the
	// heap grow to twice what is live, so a crowd does not take the shop's
	// memory up with it. SQLite's page caches are outside it.
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(serveMemoryLimit)
	}
	if cfg.TrustedProxies, err = parseProxies(net_.trustProxy); err != nil {
		return err
	}
	if (net_.tlsCert == "") != (net_.tlsKey == "") || (net_.tlsCert != "" && net_.domain != "") {
		return errors.New("serve: give -tls-cert and -tls-key together, or -domain, not both")
	}
	// Lines that come together are written together: one write system
	// call for a burst under load, rather than one a line.
	logOut := newLogWriter(stdout, 50*time.Millisecond)
	defer logOut.Flush()
	log := slog.New(slog.NewTextHandler(logOut, nil))
	if cfg.BaseURL == "" {
		cfg.BaseURL = trustedBaseURL(*addr, net_)
	}
	if cfg.BaseURL == "" {
		log.Warn("BOUTIQUE_BASE_URL is not set: sign-ups and password resets are refused, since the links they email " +
			"could only come from the request's Host. Set it to the shop's public address, such as https://shop.example.")
	}
	if cfg.StripeSecretKey != "" && cfg.StripeWHSecret == "" {
		log.Warn("!!! STRIPE_SECRET_KEY is set but STRIPE_WH_SECRET is not: the webhook cannot verify Stripe's events, " +
			"so paid orders whose shopper closes the tab before the confirmation page WILL GO UNRECORDED. " +
			"Set STRIPE_WH_SECRET to the signing secret of your webhook endpoint.")
	}

	release, err := store.LockServing(*dbPath)
	if err != nil {
		return fmt.Errorf("serve: %w (is another shop running on it?)", err)
	}
	defer release()
	st, applied, err := store.Open(ctx, *dbPath, store.Options{Log: log})
	for _, m := range applied {
		log.Info("migration applied", "version", m.Version, "name", m.Name, "db", *dbPath)
	}
	if err != nil {
		return err
	}
	defer func() {
		// The store folds the write-ahead log back into the main file,
		// so that a stopped shop is one file again.
		if err := st.Close(); err != nil {
			log.Error("closing the database failed", "err", err)
			return
		}
		log.Info("database closed", "db", *dbPath)
	}()
	if *loadDemo {
		loaded, err := demo.Seed(ctx, st)
		if err != nil {
			return fmt.Errorf("loading the demo catalog: %w", err)
		}
		if loaded {
			log.Info("demo catalog loaded into the empty database")
		}
	}

	app, err := shop.New(st, log, cfg)
	if err != nil {
		return err
	}
	// Closed before the store: the email being sent is finished and
	// marked first.
	defer app.Close()
	app.RunBackground()
	handler := app.Handler()
	if wrapHandler != nil {
		handler = wrapHandler(handler)
	}
	return runServers(ctx, log, app, handler, *addr, *dbPath, net_)
}

func reconcile(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("reconcile", flag.ContinueOnError)
	dbPath := fs.String("db", "boutique.db", "SQLite database file")
	since := fs.Duration("since", 72*time.Hour, "how far back to look")
	if stop, err := parseFlags(fs, args, stdout); stop {
		return err
	}
	if *since <= 0 {
		return errors.New("reconcile: -since must be positive")
	}
	cfg, err := shop.ConfigFromEnv(getenv)
	if err != nil {
		return err
	}
	if !cfg.PaymentsEnabled() {
		return errors.New("reconcile needs STRIPE_SECRET_KEY (and STRIPE_PUBLIC_KEY) to ask Stripe")
	}
	log := slog.New(slog.NewTextHandler(stdout, nil))
	st, _, err := store.Open(ctx, *dbPath, store.Options{Log: log})
	if err != nil {
		return err
	}
	defer st.Close()
	// The order domain alone: no email sender and no other background
	// work; the shop's sender delivers the confirmations it queues.
	pay := payments.New(payments.Config{SecretKey: cfg.StripeSecretKey, APIBase: cfg.StripeAPIBase, Log: log})
	_, err = orders.New(st, pay, log, cfg.Orders()).Reconcile(ctx, *since, stdout)
	return err
}

func createAdmin(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("createadmin", flag.ContinueOnError)
	dbPath := fs.String("db", "boutique.db", "SQLite database file")
	username := fs.String("username", "", "the staff account's username")
	email := fs.String("email", "", "its email address, for a new account")
	if stop, err := parseFlags(fs, args, stdout); stop {
		return err
	}
	if *username == "" {
		return errors.New("createadmin: -username is required")
	}
	st, _, err := store.Open(ctx, *dbPath, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	in := bufio.NewReader(stdin)
	ask := func(prompt string) (string, error) {
		fmt.Fprint(stdout, prompt)
		line, err := in.ReadString('\n')
		if err != nil && line == "" {
			return "", fmt.Errorf("createadmin: no answer to %q", strings.TrimSpace(prompt))
		}
		return strings.TrimSpace(line), nil
	}
	password := os.Getenv("BOUTIQUE_ADMIN_PASSWORD")
	made, err := shop.CreateAdmin(ctx, st, *username, func() (string, string, error) {
		e := *email
		if e == "" {
			if e, err = ask("Email address: "); err != nil {
				return "", "", err
			}
		}
		if password == "" {
			if password, err = ask("Password (at least 8 characters): "); err != nil {
				return "", "", err
			}
		}
		return e, password, nil
	})
	if err != nil {
		return err
	}
	if made {
		fmt.Fprintf(stdout, "created the staff account %s\n", *username)
	} else {
		fmt.Fprintf(stdout, "%s is staff now\n", *username)
	}
	return nil
}

func demoCmd(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	dbPath := fs.String("db", "boutique.db", "SQLite database file")
	products := fs.Int("products", 45, "how many products the catalog should hold")
	ordersWanted := fs.Int("orders", 0, "how many orders the shop should hold (generated over the last year, for benchmarks)")
	if stop, err := parseFlags(fs, args, stdout); stop {
		return err
	}
	st, _, err := store.Open(ctx, *dbPath, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := demo.Seed(ctx, st); err != nil {
		return err
	}
	added, err := demo.AddSynthetic(ctx, st, *products)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "the catalog holds at least %d products (%d synthetic added)\n", *products, added)
	if *ordersWanted > 0 {
		made, err := demo.AddOrders(ctx, st, *ordersWanted, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "the shop holds at least %d orders (%d generated)\n", *ordersWanted, made)
	}
	return nil
}

// exportCmd writes orders (or their lines) of a range of days as CSV.
func exportCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	dbPath := fs.String("db", "boutique.db", "SQLite database file")
	since := fs.String("since", "", "first day, such as 2026-11-01 (default today)")
	until := fs.String("until", "", "last day, such as 2026-11-30 (default today)")
	lines := fs.Bool("lines", false, "one row an order line instead of an order")
	if stop, err := parseFlags(fs, args, stdout); stop {
		return err
	}
	cfg, err := shop.ConfigFromEnv(getenv)
	if err != nil {
		return err
	}
	today := time.Now().In(cfg.TimeZone).Format(time.DateOnly)
	rg, err := orders.ParseExportRange(cmp.Or(*since, today), cmp.Or(*until, today), cfg.TimeZone)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	st, _, err := store.Open(ctx, *dbPath, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	write := orders.WriteOrdersCSV
	if *lines {
		write = orders.WriteLinesCSV
	}
	return write(ctx, st, stdout, rg, cfg.TimeZone)
}
