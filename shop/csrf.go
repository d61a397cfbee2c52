package shop

import (
	"net/http"
	"net/netip"
	"strings"

	"github.com/justinas/nosurf"
)

// csrf checks every state-changing request: its Origin (or Sec-Fetch-Site,
// or Referer) must be this shop and it must carry the token, as the form
// field csrf_token or the header X-CSRF-Token. The Stripe webhook is not
// behind it (see routes.go): it proves itself with Stripe's signature.
func (app *App) csrf(next http.Handler) http.Handler {
	h := nosurf.New(next)
	h.SetIsTLSFunc(app.isTLS)
	h.SetBaseCookie(http.Cookie{
		Path:     "/",
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		MaxAge:   nosurf.MaxAge,
	})
	h.SetFailureHandler(http.HandlerFunc(app.csrfFailed))
	return h
}

func (app *App) csrfFailed(w http.ResponseWriter, r *http.Request) {
	app.log.Warn("CSRF check failed", "method", r.Method, "path", r.URL.Path, "reason", nosurf.Reason(r))
	const msg = "This page had expired, so nothing was changed. Please reload the page and try again."
	if isHTMX(r) {
		app.toastError(w, r, http.StatusForbidden, msg)
		return
	}
	app.errorPage(w, r, http.StatusForbidden, "Please try that again", msg)
}

// isTLS says whether the shopper's connection to the shop is HTTPS: the
// shop's own TLS, or a trusted proxy's word for it.
func (app *App) isTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return app.fromTrustedProxy(r) && strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

// fromTrustedProxy says whether the request came straight from one of the
// proxies -trust-proxy names.
func (app *App) fromTrustedProxy(r *http.Request) bool {
	if len(app.cfg.TrustedProxies) == 0 {
		return false
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	for _, p := range app.cfg.TrustedProxies {
		if p.Contains(ap.Addr().Unmap()) {
			return true
		}
	}
	return false
}

// secureCookies marks every cookie Secure on HTTPS connections, whoever set
// it (the session, the CSRF token), just before the headers go out.
func (app *App) secureCookies(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !app.isTLS(r) {
			next.ServeHTTP(w, r)
			return
		}
		sw := &secureCookieWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		sw.mark()
	})
}

type secureCookieWriter struct {
	http.ResponseWriter
	marked bool
}

func (s *secureCookieWriter) mark() {
	if s.marked {
		return
	}
	s.marked = true
	cookies := s.Header()["Set-Cookie"]
	for i, c := range cookies {
		if !strings.Contains(strings.ToLower(c), "; secure") {
			cookies[i] = c + "; Secure"
		}
	}
}

func (s *secureCookieWriter) WriteHeader(code int) {
	s.mark()
	s.ResponseWriter.WriteHeader(code)
}

func (s *secureCookieWriter) Write(b []byte) (int, error) {
	s.mark()
	return s.ResponseWriter.Write(b)
}

func (s *secureCookieWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
