package shop_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestHealthz(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	if res := s.get("/healthz"); res.status != http.StatusOK || res.body != "ok\n" {
		t.Fatalf("healthy: %d %q", res.status, res.body)
	}
	s.st.Close()
	if res := s.get("/healthz"); res.status != http.StatusServiceUnavailable {
		t.Fatalf("with the database closed: status %d, want 503", res.status)
	}
}

func TestStaticAssetsAndImages(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.loadFixture()

	home := s.get("/")
	css := regexpFind(t, home.body, `href="(/static/css/boutique\.css\?v=[0-9a-f]+)"`)
	res := s.get(css)
	if res.status != http.StatusOK || !strings.Contains(res.header.Get("Content-Type"), "text/css") {
		t.Fatalf("%s: %d %s", css, res.status, res.header.Get("Content-Type"))
	}
	if cc := res.header.Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Fatalf("versioned asset Cache-Control %q", cc)
	}
	if cc := s.get("/static/css/boutique.css?v=old").header.Get("Cache-Control"); cc != "no-cache" {
		t.Fatalf("stale version Cache-Control %q, want no-cache", cc)
	}

	// A picture stored in the database.
	s.insert(`INSERT INTO images (content_type, sha256, data) VALUES ('image/svg+xml', 'abc123', '<svg xmlns="http://www.w3.org/2000/svg"/>') RETURNING id`)
	img := s.get("/images/1/")
	if img.status != http.StatusOK || img.header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(img.body, "<svg") {
		t.Fatalf("image: %d %q %q", img.status, img.header.Get("Content-Type"), img.body)
	}
	if !strings.Contains(img.header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatal("an image is served without the sandbox CSP")
	}
	req := mustRequest(t, http.MethodGet, s.server.URL+"/images/1/")
	req.Header.Set("If-None-Match", img.header.Get("ETag"))
	if res := s.do(req); res.status != http.StatusNotModified {
		t.Fatalf("revalidation: %d, want 304", res.status)
	}
}

func regexpFind(t *testing.T, body, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no match for %s", pattern)
	}
	return m[1]
}

func TestTextIsCompressed(t *testing.T) {
	s := newTestShop(t, defaultConfig())
	s.loadFixture()
	home := s.get("/")
	css := regexpFind(t, home.body, `href="(/static/css/boutique\.css\?v=[0-9a-f]+)"`)
	for _, path := range []string{"/products/", "/products/1/", css} {
		req := mustRequest(t, http.MethodGet, s.server.URL+path)
		req.Header.Set("Accept-Encoding", "gzip")
		res, err := s.client.Transport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: Content-Encoding %q, Vary %q", path, res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
		}
	}
	// Without Accept-Encoding, plain.
	req := mustRequest(t, http.MethodGet, s.server.URL+"/products/")
	res, err := s.client.Transport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Header.Get("Content-Encoding") != "" {
		t.Error("compressed without being asked")
	}
}
