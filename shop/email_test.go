package shop_test

import (
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"boutique/shop"
)

// smtpServer is a real SMTP server on loopback that keeps what it is sent,
// and refuses the first failFirst messages with a temporary error.
type smtpServer struct {
	addr string
	mu   sync.Mutex
	msgs []mail
	fail int
}

type mail struct {
	from, to, data string
}

func startSMTP(t *testing.T, failFirst int) *smtpServer {
	t.Helper()
	s := &smtpServer{fail: failFirst}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{server: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *smtpServer) received() []mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]mail(nil), s.msgs...)
}

type smtpSession struct {
	server   *smtpServer
	from, to string
}

func (x *smtpSession) Reset()        {}
func (x *smtpSession) Logout() error { return nil }
func (x *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = to
	return nil
}
func (x *smtpSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.server.mu.Lock()
	defer x.server.mu.Unlock()
	if x.server.fail > 0 {
		x.server.fail--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	x.server.msgs = append(x.server.msgs, mail{x.from, x.to, string(b)})
	return nil
}

func withSMTP(s *smtpServer) func(*shop.Config) {
	return func(c *shop.Config) {
		host, port, _ := net.SplitHostPort(s.addr)
		c.SMTP.Host = host
		c.SMTP.Port, _ = strconv.Atoi(port)
		c.SMTP.From = "orders@boutique.example"
		c.ContactEmail = "help@boutique.example"
		c.OutboxRetry = 20 * time.Millisecond
	}
}

// waitMail waits, at most 10 seconds, for the server to hold n messages.
func waitMail(t *testing.T, s *smtpServer, n int) []mail {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		msgs := s.received()
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d emails arrived within 10s, want %d", len(msgs), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestConfirmationEmailIsSentOnceWhateverTheDuplicates(t *testing.T) {
	mailbox := startSMTP(t, 0)
	s := newWebhookShop(t, withSMTP(mailbox))
	pid, secret, tok := s.checkoutPaid(shopper, &shopper)
	ev := s.fake.IntentEvent("payment_intent.succeeded", pid)
	var wg sync.WaitGroup
	for range 3 {
		wg.Add(1)
		go func() { defer wg.Done(); deliverStatus(s, ev) }()
	}
	wg.Add(1)
	go func() { defer wg.Done(); postStatus(s, "/checkout/", orderForm(tok, secret).Encode()) }()
	wg.Wait()

	msgs := waitMail(t, mailbox, 1)
	o := s.order(pid)
	m := msgs[0]
	if m.from != "orders@boutique.example" || m.to != "ada@example.com" {
		t.Fatalf("from %q to %q", m.from, m.to)
	}
	for _, want := range []string{
		"Subject: Boutique order confirmation " + o.number,
		"Order number: " + o.number,
		"Order date: ",
		"1 × Blue Oxford Shirt (size M) at $30.00: $30.00",
		"2 × Zebra Mug at $12.00: $24.00",
		"Order total: $54.00", "Delivery: $0.00", "Grand total: $54.00",
		"12 Harbour Row", "Flat 3", "Galway", "H91 X2Y3", "Ireland",
		"help@boutique.example",
	} {
		if !strings.Contains(m.data, want) {
			t.Errorf("the email lacks %q:\n%s", want, m.data)
		}
	}
	// Nothing more arrives: the sender has marked it sent.
	var unsent int
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.pool.QueryRow(`SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL`).Scan(&unsent)
		if unsent == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if unsent != 0 || len(mailbox.received()) != 1 {
		t.Fatalf("%d unsent, %d received", unsent, len(mailbox.received()))
	}
}

func TestConfirmationEmailIsRetriedAfterAFailure(t *testing.T) {
	mailbox := startSMTP(t, 2)
	s := newWebhookShop(t, withSMTP(mailbox))
	pid, _, _ := s.checkoutPaid(shopper, &shopper)
	s.deliver(s.fake.IntentEvent("payment_intent.succeeded", pid))
	msgs := waitMail(t, mailbox, 1)
	if len(msgs) != 1 {
		t.Fatalf("%d emails", len(msgs))
	}
	// The sender marks the row just after the server has the message.
	var attempts int
	var lastError, sentAt *string
	deadline := time.Now().Add(10 * time.Second)
	for {
		if err := s.pool.QueryRow(`SELECT attempts, last_error, sent_at FROM outbox`).Scan(&attempts, &lastError, &sentAt); err != nil {
			t.Fatal(err)
		}
		if sentAt != nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if attempts != 3 || lastError != nil {
		t.Fatalf("attempts %d, last error %v; want 3 and none", attempts, lastError)
	}
}
