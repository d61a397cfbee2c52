package shop

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"boutique/store"
)

// contentSecurityPolicy allows the shop's own files and exactly what Stripe
// documents for Stripe.js and its Payment Element: scripts and frames from
// js.stripe.com and its subdomains, frames from hooks.stripe.com (3-D
// Secure and redirect pages), connections to api.stripe.com. No inline
// script or style anywhere, and no framing of the shop. A Stripe.js served
// from elsewhere (STRIPE_JS_URL, for a test stand-in) takes js.stripe.com's
// place and may also be connected to, as Stripe's own talks to
// api.stripe.com.
func contentSecurityPolicy(stripeJSURL string) (string, error) {
	js, err := origin(stripeJSURL)
	if err != nil {
		return "", fmt.Errorf("STRIPE_JS_URL: %w", err)
	}
	connect := "connect-src 'self' https://api.stripe.com"
	if def, _ := origin(DefaultStripeJSURL); js != def {
		connect += " " + js
	} else {
		js += " https://*.js.stripe.com"
	}
	return strings.Join([]string{
		"default-src 'self'",
		"script-src 'self' " + js,
		"style-src 'self'",
		"img-src 'self'",
		"font-src 'self'",
		connect,
		"frame-src " + js + " https://hooks.stripe.com",
		"frame-ancestors 'none'",
		"form-action 'self'",
		"base-uri 'self'",
		"object-src 'none'",
	}, "; "), nil
}

// hstsHeader tells browsers to come back over HTTPS only, for 180 days.
const hstsHeader = "max-age=15552000"

func (app *App) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", app.csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if app.cfg.HSTS && app.isTLS(r) {
			h.Set("Strict-Transport-Security", hstsHeader)
		}
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status and size of a response for the log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

// Unwrap lets http.ResponseController reach the real writer.
func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// logRequests writes one line per request (method, path, status,
// duration) and counts it in the metrics by route pattern.
func (app *App) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		slot := &routeSlot{}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), routeKey{}, slot)))
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		took := time.Since(start)
		route := slot.pattern
		if route == "" {
			route = "unmatched"
		}
		app.metrics.requests.Inc(route, strconv.Itoa(rec.status))
		app.metrics.latency.Observe(took, route)
		app.log.Info("request",
			"method", r.Method,
			"path", r.URL.Path,
			"status", rec.status,
			"duration", took.Round(time.Microsecond),
			"bytes", rec.bytes,
		)
	})
}

// recoverPanic turns a panic in a handler into a logged 500 page, so one bad
// request never takes the shop down.
func (app *App) recoverPanic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				w.Header().Set("Connection", "close")
				app.serverError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// maxFormBytes bounds the body of every form post but the product form,
// which may carry a picture.
const (
	maxFormBytes   = 64 << 10
	maxUploadBytes = maxImageBytes + 64<<10
)

// limitBody bounds request bodies before anything reads them. A body that
// says it is too large gets a clear page rather than a failed CSRF check.
func (app *App) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := int64(maxFormBytes)
		if strings.HasPrefix(r.URL.Path, "/owner/products/") {
			limit = maxUploadBytes
		}
		if r.ContentLength > limit {
			app.errorPage(w, r, http.StatusRequestEntityTooLarge, "That was too large to take",
				fmt.Sprintf("A form may send at most %d KB, and a product picture at most 5 MB. Nothing was saved.", maxFormBytes>>10))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

type sessionCtxKey struct{}

// sessionState is what a request that went through the session middleware
// learns once and may need again: the signed-in user, looked up at most
// once per request (the layout, the handler and staffOnly all ask).
type sessionState struct {
	userLooked bool
	user       store.GetUserRow
	signedIn   bool
}

// inSession marks requests that went through the session middleware, so
// that pages drawn for other routes (a 404 for a missing file) know not to
// reach for a session.
func (app *App) inSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionCtxKey{}, &sessionState{})))
	})
}

func hasSession(r *http.Request) bool { return requestSession(r) != nil }

func requestSession(r *http.Request) *sessionState { return sessionOf(r.Context()) }

func sessionOf(ctx context.Context) *sessionState {
	st, _ := ctx.Value(sessionCtxKey{}).(*sessionState)
	return st
}

// isHTMX says whether htmx made the request.
func isHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }
