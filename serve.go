package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"strings"
	"time"

	"golang.org/x/crypto/acme/autocert"

	"boutique/shop"
)

// netFlags are serve's flags for listening: HTTPS, the redirect from HTTP,
// proxies, metrics, timeouts.
type netFlags struct {
	tlsCert, tlsKey   string
	domain, certCache string
	redirectAddr      string
	trustProxy        string
	metricsAddr       string
	pprofAddr         string
	readHeaderTimeout time.Duration
}

func (n *netFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&n.tlsCert, "tls-cert", "", "serve HTTPS with this certificate (PEM)")
	fs.StringVar(&n.tlsKey, "tls-key", "", "and this private key (PEM)")
	fs.StringVar(&n.domain, "domain", "", "serve HTTPS for this domain with certificates from Let's Encrypt")
	fs.StringVar(&n.certCache, "cert-cache", "certs", "folder that keeps Let's Encrypt certificates")
	fs.StringVar(&n.redirectAddr, "redirect-addr", "", "also listen here for plain HTTP and redirect it to HTTPS (default :80 with -domain)")
	fs.StringVar(&n.trustProxy, "trust-proxy", "", "comma list of proxy addresses or CIDRs whose X-Forwarded-Proto and X-Forwarded-For are trusted")
	fs.StringVar(&n.metricsAddr, "metrics-addr", "", "serve Prometheus metrics at /metrics on this address")
	fs.StringVar(&n.pprofAddr, "pprof", "", "serve Go's profiler at /debug/pprof/ on this address (loopback only, for profiling)")
	fs.DurationVar(&n.readHeaderTimeout, "read-header-timeout", 10*time.Second, "how long a client may take to send its request headers")
}

// parseProxies reads -trust-proxy.
func parseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		if p, err := netip.ParsePrefix(part); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(part)
		if err != nil {
			return nil, fmt.Errorf("-trust-proxy: %q is not an address or CIDR", part)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// trustedBaseURL is the shop's address for emailed links when
// BOUTIQUE_BASE_URL is not set, from serve's own settings alone: the domain
// it holds a certificate for, or a loopback -addr, which only this machine
// can reach (make run). Otherwise none.
func trustedBaseURL(addr string, n netFlags) string {
	if n.domain != "" {
		return "https://" + n.domain
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" || port == "0" {
		return ""
	}
	if ip, err := netip.ParseAddr(host); (err != nil || !ip.IsLoopback()) && host != "localhost" {
		return ""
	}
	scheme := "http"
	if n.tlsCert != "" {
		scheme = "https"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// runServers serves the shop (HTTP or HTTPS), and beside it the redirect
// from HTTP and the metrics when asked, until ctx ends; then it stops
// taking new shoppers, lets requests in flight finish and returns.
func runServers(ctx context.Context, log *slog.Logger, app *shop.App, handler http.Handler, addr, dbPath string, n netFlags) error {
	var tlsConfig *tls.Config
	var acmeHandler func(http.Handler) http.Handler
	switch {
	case n.tlsCert != "":
		cert, err := tls.LoadX509KeyPair(n.tlsCert, n.tlsKey)
		if err != nil {
			return fmt.Errorf("serve: loading the certificate: %w", err)
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	case n.domain != "":
		m := &autocert.Manager{
			Prompt:     autocert.AcceptTOS,
			HostPolicy: autocert.HostWhitelist(n.domain),
			Cache:      autocert.DirCache(n.certCache),
		}
		tlsConfig = m.TLSConfig()
		tlsConfig.MinVersion = tls.VersionTLS12
		acmeHandler = m.HTTPHandler
		if n.redirectAddr == "" {
			n.redirectAddr = ":80"
		}
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	scheme := "http"
	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
		scheme = "https"
	}
	errorLog := slog.NewLogLogger(log.Handler(), slog.LevelWarn)
	newServer := func(h http.Handler) *http.Server {
		return &http.Server{
			Handler:           h,
			ReadHeaderTimeout: n.readHeaderTimeout,
			ReadTimeout:       30 * time.Second,
			WriteTimeout:      60 * time.Second,
			IdleTimeout:       120 * time.Second,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          errorLog,
			BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
		}
	}
	type server struct {
		srv *http.Server
		ln  net.Listener
	}
	servers := []server{{newServer(handler), ln}}
	// add listens on addr for a side server; on failure every listener
	// opened so far is closed.
	add := func(addr string, srv *http.Server) (net.Listener, error) {
		l, err := net.Listen("tcp", addr)
		if err != nil {
			for _, s := range servers {
				s.ln.Close()
			}
			return nil, err
		}
		servers = append(servers, server{srv, l})
		return l, nil
	}
	if n.redirectAddr != "" {
		_, httpsPort, _ := net.SplitHostPort(ln.Addr().String())
		redirect := redirectToHTTPS(httpsPort)
		if acmeHandler != nil {
			redirect = acmeHandler(redirect)
		}
		rl, err := add(n.redirectAddr, newServer(redirect))
		if err != nil {
			return err
		}
		log.Info("redirecting plain HTTP to HTTPS", "addr", rl.Addr().String())
	}
	if n.metricsAddr != "" {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", app.MetricsHandler())
		ml, err := add(n.metricsAddr, newServer(mux))
		if err != nil {
			return err
		}
		log.Info("serving metrics", "addr", ml.Addr().String(), "url", "http://"+ml.Addr().String()+"/metrics")
	}
	if n.pprofAddr != "" {
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		srv := newServer(mux)
		srv.WriteTimeout = 0 // a profile takes as long as it is asked to
		pl, err := add(n.pprofAddr, srv)
		if err != nil {
			return err
		}
		log.Info("serving the profiler", "addr", pl.Addr().String())
	}
	served := make(chan error, len(servers))
	for _, s := range servers {
		go func() { served <- s.srv.Serve(s.ln) }()
	}
	log.Info("serving", "addr", ln.Addr().String(), "url", scheme+"://"+ln.Addr().String()+"/", "db", dbPath)

	var failed error
	pending := len(servers)
	select {
	case failed = <-served:
		pending--
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	app.Drain()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for _, s := range servers {
		if err := s.srv.Shutdown(shutdownCtx); err != nil {
			s.srv.Close()
			failed = errors.Join(failed, fmt.Errorf("shutdown: %w", err))
		}
	}
	for range pending {
		if err := <-served; !errors.Is(err, http.ErrServerClosed) {
			failed = errors.Join(failed, err)
		}
	}
	if failed != nil && !errors.Is(failed, http.ErrServerClosed) {
		return failed
	}
	log.Info("stopped")
	return nil
}

// redirectToHTTPS sends plain-HTTP requests to the same address on HTTPS.
func redirectToHTTPS(httpsPort string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.Host
		if h, _, err := net.SplitHostPort(host); err == nil {
			host = h
		}
		if httpsPort != "" && httpsPort != "443" {
			host = net.JoinHostPort(host, httpsPort)
		}
		http.Redirect(w, r, "https://"+host+r.URL.RequestURI(), http.StatusPermanentRedirect)
	})
}
