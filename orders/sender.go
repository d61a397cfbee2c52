package orders

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/smtp"
	"slices"
	"strconv"
	"strings"
	"time"

	"boutique/store"
)

// A Message is one email of the outbox, as a Mailer sends it. ID is its
// Message-ID, the same at every attempt, so that a repeat after a crash is
// recognisable as the same email.
type Message struct {
	ID, To, Subject, Body string
}

// A Mailer delivers one email. It returns nil only once the server has
// accepted it.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// SenderConfig sets how the outbox is sent.
type SenderConfig struct {
	// Retry is the first delay before a failed email is tried again; each
	// failure doubles it, up to an hour.
	Retry time.Duration
	// Lease is how long a claim on an email holds: an email whose sender
	// died mid-send is sent again once it lapses. It bounds a send.
	Lease time.Duration
	// Domain ends each Message-ID.
	Domain string
}

// Defaults of SenderConfig.
const (
	DefaultRetry = 30 * time.Second
	DefaultLease = 2 * time.Minute
	// maxSend bounds one send, within its lease.
	maxSend = 30 * time.Second
	// claimBatch is how many emails a sender claims at once.
	claimBatch = 20
	// gather is how long the sender waits after being woken before it
	// claims, so that emails due together are claimed together.
	gather = 50 * time.Millisecond
)

// Sender delivers the outbox, each email once as far as SMTP allows: it
// claims emails before sending them (a lease, so that a sender that dies
// leaves them to the next), marks each sent on its own as soon as the
// server accepted it, and on shutdown finishes the email it is sending,
// marks it, and gives back the rest of its claim. Only serve runs one.
type Sender struct {
	st     *store.Store
	mailer Mailer
	log    *slog.Logger
	cfg    SenderConfig
	wake   chan struct{}
}

// NewSender is a sender of st's outbox through mailer.
func NewSender(st *store.Store, mailer Mailer, log *slog.Logger, cfg SenderConfig) *Sender {
	if cfg.Retry <= 0 {
		cfg.Retry = DefaultRetry
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.Domain == "" {
		cfg.Domain = "boutique.invalid"
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Sender{st: st, mailer: mailer, log: log, cfg: cfg, wake: make(chan struct{}, 1)}
}

// Wake tells the sender there is mail, without waiting.
func (s *Sender) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run delivers due email until stop is closed: when woken, and every
// interval for retries and lapsed claims.
func (s *Sender) Run(stop <-chan struct{}) {
	ticker := time.NewTicker(min(s.cfg.Retry, s.cfg.Lease, time.Minute))
	defer ticker.Stop()
	for {
		s.sendDue(stop)
		select {
		case <-stop:
			return
		case <-s.wake:
			select {
			case <-stop:
				return
			case <-time.After(gather):
			}
		case <-ticker.C:
		}
	}
}

// sendTimeout bounds a send: well within the lease, so that no other
// sender takes an email while this one may still be sending it.
func (s *Sender) sendTimeout() time.Duration { return min(maxSend, s.cfg.Lease/2) }

// sendDue claims and sends due email until none is left or stop closes.
func (s *Sender) sendDue(stop <-chan struct{}) {
	ctx := context.Background()
	for {
		select {
		case <-stop:
			return
		default:
		}
		now := time.Now()
		var claimed []store.ClaimEmailsRow
		err := s.st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
			var err error
			claimed, err = tx.ClaimEmails(ctx, store.ClaimEmailsParams{
				LeaseUntil: store.Time(now.Add(s.cfg.Lease)), Now: store.Time(now), Lim: claimBatch})
			return err
		})
		if err != nil {
			if !errors.Is(err, store.ErrClosed) {
				s.log.Error("outbox: claiming due email failed", "err", err)
			}
			return
		}
		if len(claimed) == 0 {
			return
		}
		slices.SortFunc(claimed, func(a, b store.ClaimEmailsRow) int { return int(a.ID - b.ID) })
		if _, ok := s.mailer.(localMailer); ok {
			s.sendLocal(claimed)
			continue
		}
		for i, m := range claimed {
			select {
			case <-stop:
				s.release(claimed[i:])
				return
			default:
			}
			s.send(m)
		}
	}
}

// send sends one claimed email and records the outcome in a write of its
// own. The send is not cut short by a shutdown: abandoned mid-DATA, the
// email might be delivered yet marked unsent.
func (s *Sender) send(m store.ClaimEmailsRow) {
	ctx, cancel := context.WithTimeout(context.Background(), s.sendTimeout())
	err := s.mailer.Send(ctx, s.message(m))
	cancel()
	// Not the caller's context: the outcome must be written even during a
	// shutdown (the shop stops its sender before it closes the store).
	wctx := context.Background()
	if err != nil {
		delay := min(s.cfg.Retry<<min(m.Attempts, 20), time.Hour)
		s.log.Warn("outbox: sending failed; will retry", "to", m.Recipient, "subject", m.Subject, "attempt", m.Attempts+1, "retry_in", delay, "err", err)
		if err := s.st.Write(wctx, func(ctx context.Context, tx *store.Tx) error {
			return tx.MarkEmailFailed(ctx, store.MarkEmailFailedParams{
				LastError: store.Nullable(err.Error()), NextAttemptAt: store.Time(time.Now().Add(delay)), ID: m.ID})
		}); err != nil {
			s.log.Error("outbox: recording a failure failed; its claim will lapse", "id", m.ID, "err", err)
		}
		return
	}
	if err := s.st.Write(wctx, func(ctx context.Context, tx *store.Tx) error {
		return tx.MarkEmailSent(ctx, store.MarkEmailSentParams{SentAt: store.Nullable(store.Time(time.Now())), ID: m.ID})
	}); err != nil {
		s.log.Error("outbox: marking sent failed; this email may go twice", "id", m.ID, "message_id", s.messageID(m), "err", err)
		return
	}
	s.log.Info("email sent", "to", m.Recipient, "subject", m.Subject, "message_id", s.messageID(m))
}

// A localMailer delivers on this machine and at once (the log): nothing
// can be half-sent, and a repeat after a crash reaches nobody, so a whole
// claim is marked sent in one write.
type localMailer interface{ local() }

// sendLocal delivers a claim through a localMailer and marks it sent.
func (s *Sender) sendLocal(ms []store.ClaimEmailsRow) {
	sentAt := store.Nullable(store.Time(time.Now()))
	for _, m := range ms {
		s.mailer.Send(context.Background(), s.message(m))
	}
	if err := s.st.Write(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		for _, m := range ms {
			if err := tx.MarkEmailSent(ctx, store.MarkEmailSentParams{SentAt: sentAt, ID: m.ID}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		s.log.Error("outbox: marking logged emails failed; they will be logged again", "count", len(ms), "err", err)
	}
}

// release gives back claimed emails this sender will not send now.
func (s *Sender) release(ms []store.ClaimEmailsRow) {
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	b, _ := json.Marshal(ids)
	if err := s.st.Write(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		return tx.ReleaseEmails(ctx, string(b))
	}); err != nil {
		s.log.Warn("outbox: giving back claimed emails failed; they wait for their claim to lapse", "count", len(ids), "err", err)
	}
}

// message is a claimed email as a Mailer sends it.
func (s *Sender) message(m store.ClaimEmailsRow) Message {
	return Message{ID: s.messageID(m), To: m.Recipient, Subject: m.Subject, Body: m.Body}
}

// messageID is an email's Message-ID: from its row and dedupe key, so the
// same at every attempt and in every process.
func (s *Sender) messageID(m store.ClaimEmailsRow) string {
	sum := sha256.Sum256([]byte(m.DedupeKey))
	return fmt.Sprintf("<%d.%s@%s>", m.ID, hex.EncodeToString(sum[:8]), s.cfg.Domain)
}

// SMTPConfig is how to reach the shop's mail server.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
}

// SMTPMailer sends through an SMTP server, with STARTTLS when the server
// offers it and authentication when a username is set. A send ends by its
// context's deadline at the latest; nothing goes on after it returns.
type SMTPMailer struct{ Config SMTPConfig }

func (m SMTPMailer) Send(ctx context.Context, msg Message) error {
	cfg := m.Config
	for _, v := range []string{msg.To, msg.Subject, cfg.From} {
		if strings.ContainsAny(v, "\r\n") {
			return errors.New("smtp: a header holds a line break")
		}
	}
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(cfg.Port))
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	// Cancelling the context interrupts whatever the exchange is waiting
	// for; it is never left running after Send returns.
	defer context.AfterFunc(ctx, func() { conn.SetDeadline(time.Now()) })()
	c, err := smtp.NewClient(conn, cfg.Host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: cfg.Host, MinVersion: tls.VersionTLS12}); err != nil {
			return err
		}
	}
	if cfg.Username != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return errors.New("smtp: the server does not offer AUTH")
		}
		if err := c.Auth(smtp.PlainAuth("", cfg.Username, cfg.Password, cfg.Host)); err != nil {
			return err
		}
	}
	if err := c.Mail(cfg.From); err != nil {
		return err
	}
	if err := c.Rcpt(msg.To); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	body := "From: " + cfg.From + "\r\n" +
		"To: " + msg.To + "\r\n" +
		"Subject: " + msg.Subject + "\r\n" +
		"Message-ID: " + msg.ID + "\r\n" +
		"Date: " + time.Now().UTC().Format(time.RFC1123Z) + "\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: 8bit\r\n" +
		"\r\n" + strings.ReplaceAll(msg.Body, "\n", "\r\n")
	if _, err := io.WriteString(w, body); err != nil {
		return err
	}
	// The server's answer to the end of DATA is its acceptance: from here
	// on the email is sent, whatever QUIT says.
	if err := w.Close(); err != nil {
		return err
	}
	c.Quit()
	return nil
}

// LogMailer writes emails to the log, for a shop without SMTP settings.
type LogMailer struct{ Log *slog.Logger }

func (LogMailer) local() {}

func (m LogMailer) Send(ctx context.Context, msg Message) error {
	m.Log.Info("email (no SMTP_HOST set, so logged instead of sent)", "to", msg.To, "subject", msg.Subject, "message_id", msg.ID, "body", msg.Body)
	return nil
}
