// Package mailtest is a real SMTP server on loopback for tests: it keeps
// what it is sent, and can refuse messages or take its time over them.
package mailtest

import (
	"io"
	"net"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// A Mail is one message the server accepted.
type Mail struct {
	From, To, Data string
}

// Header is a header of the message, "" when it has none.
func (m Mail) Header(name string) string {
	msg, err := mail.ReadMessage(strings.NewReader(m.Data))
	if err != nil {
		return ""
	}
	return msg.Header.Get(name)
}

// Server is an SMTP server on loopback.
type Server struct {
	Addr string
	mu   sync.Mutex
	msgs []Mail
	// FailFirst is how many messages to refuse with a temporary error.
	failFirst int
	// Delay is how long each message's DATA takes before the server
	// answers it (the message counts as received before the answer).
	delay time.Duration
	// Received, when set, is told of each message as it is received,
	// before the answer is sent.
	received chan<- Mail
}

// Options shape the server.
type Options struct {
	FailFirst int
	Delay     time.Duration
	Received  chan<- Mail
}

// Start serves until the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s := &Server{failFirst: opts.FailFirst, delay: opts.Delay, received: opts.Received}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{server: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.Addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// Host and Port are where the server listens.
func (s *Server) Host() string { h, _, _ := net.SplitHostPort(s.Addr); return h }

func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr)
	n, _ := strconv.Atoi(p)
	return n
}

// Mails are the messages received so far.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.msgs...)
}

// Wait waits, at most limit, for n messages, and returns those received.
func (s *Server) Wait(t testing.TB, n int, limit time.Duration) []Mail {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		msgs := s.Mails()
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d emails arrived within %s, want %d", len(msgs), limit, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

type session struct {
	server   *Server
	from, to string
}

func (x *session) Reset()        {}
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = to
	return nil
}
func (x *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s := x.server
	s.mu.Lock()
	if s.failFirst > 0 {
		s.failFirst--
		s.mu.Unlock()
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	m := Mail{x.from, x.to, string(b)}
	s.msgs = append(s.msgs, m)
	s.mu.Unlock()
	if s.received != nil {
		s.received <- m
	}
	time.Sleep(s.delay)
	return nil
}
