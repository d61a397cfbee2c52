package shop

import (
	"context"
	"fmt"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"boutique/cart"
	"boutique/countries"
	"boutique/db"
)

// A Mailer delivers one email.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// SMTPConfig is how to reach the shop's mail server.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	From     string
}

// smtpMailer sends through an SMTP server, with STARTTLS when the server
// offers it and authentication when a username is set.
type smtpMailer struct{ cfg SMTPConfig }

func (m smtpMailer) Send(ctx context.Context, to, subject, body string) error {
	addr := net.JoinHostPort(m.cfg.Host, strconv.Itoa(m.cfg.Port))
	var auth smtp.Auth
	if m.cfg.Username != "" {
		auth = smtp.PlainAuth("", m.cfg.Username, m.cfg.Password, m.cfg.Host)
	}
	msg := "From: " + m.cfg.From + "\r\n" +
		"To: " + to + "\r\n" +
		"Subject: " + subject + "\r\n" +
		"Date: " + time.Now().UTC().Format(time.RFC1123Z) + "\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: 8bit\r\n" +
		"\r\n" + strings.ReplaceAll(body, "\n", "\r\n")
	done := make(chan error, 1)
	go func() { done <- smtp.SendMail(addr, auth, m.cfg.From, []string{to}, []byte(msg)) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// logMailer writes emails to the log, for a shop without SMTP settings.
type logMailer struct{ app *App }

func (m logMailer) Send(ctx context.Context, to, subject, body string) error {
	m.app.log.Info("email (no SMTP_HOST set, so logged instead of sent)", "to", to, "subject", subject, "body", body)
	return nil
}

// enqueueEmail puts an email in the outbox, written at (the time of the
// transaction's own writes) and due at once. A second email with the same
// dedupeKey is not queued.
func enqueueEmail(ctx context.Context, q *db.Queries, dedupeKey, recipient, subject, body, at string) error {
	return q.EnqueueEmail(ctx, db.EnqueueEmailParams{DedupeKey: dedupeKey, Recipient: recipient,
		Subject: subject, Body: body, NextAttemptAt: at, CreatedAt: at})
}

// confirmationEmail is the email an order sends its shopper.
func (app *App) confirmationEmail(o db.Order, lines []db.CreateOrderLineParams) (string, string) {
	cur := o.Currency
	var b strings.Builder
	fmt.Fprintf(&b, "Hello %s,\n\n", firstNonEmpty(o.FullName.String, "there"))
	fmt.Fprintf(&b, "Thank you for your order. Here is what you bought.\n\n")
	fmt.Fprintf(&b, "Order number: %s\nOrder date: %s\n\n", o.OrderNumber, orderDate(o.CreatedAt))
	for _, l := range lines {
		size := ""
		if l.ProductSize.Valid {
			size = " (size " + l.ProductSize.String + ")"
		}
		fmt.Fprintf(&b, "  %d × %s%s at %s: %s\n", l.Quantity, l.ProductName, size, cart.Format(l.UnitPrice, cur), cart.Format(l.LineitemTotal, cur))
	}
	fmt.Fprintf(&b, "\nOrder total: %s\nDelivery: %s\nGrand total: %s\n", cart.Format(o.OrderTotal, cur), cart.Format(o.DeliveryCost, cur), cart.Format(o.GrandTotal, cur))
	if o.AmountPaid != o.GrandTotal {
		fmt.Fprintf(&b, "Charged to your card: %s\n", cart.Format(o.AmountPaid, cur))
	}
	fmt.Fprintf(&b, "\nWe will deliver to:\n")
	for _, line := range []string{o.FullName.String, o.StreetAddress1.String, o.StreetAddress2.String, o.TownOrCity.String,
		o.County.String, o.Postcode.String, firstNonEmpty(countries.Name(o.Country.String), o.Country.String)} {
		if line != "" {
			fmt.Fprintf(&b, "  %s\n", line)
		}
	}
	if o.PhoneNumber.Valid {
		fmt.Fprintf(&b, "  Phone: %s\n", o.PhoneNumber.String)
	}
	fmt.Fprintf(&b, "\nQuestions about your order? Write to us at %s and quote your order number.\n\nBoutique\n", app.cfg.ContactEmail)
	return "Boutique order confirmation " + o.OrderNumber, b.String()
}

// wakeOutbox tells the sender there is mail, without waiting.
func (app *App) wakeOutbox() {
	select {
	case app.outboxWake <- struct{}{}:
	default:
	}
}

// runOutbox delivers due email until stop is closed: when woken, and every
// interval for the retries.
func (app *App) runOutbox(interval time.Duration, stop <-chan struct{}) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			select {
			case <-stop:
				cancel()
			case <-ctx.Done():
			}
		}()
		app.sendDueEmails(ctx)
		cancel()
		select {
		case <-stop:
			return
		case <-app.outboxWake:
			// Let a burst of orders gather, so that their emails go out
			// (and are marked sent) as one batch rather than one by one.
			select {
			case <-stop:
				return
			case <-time.After(outboxGather):
			}
		case <-ticker.C:
		}
	}
}

// outboxGather is how long the sender waits after being woken before it
// sends, so that emails due together go as one batch.
const outboxGather = 50 * time.Millisecond

// sendDueEmails sends every email that is due, one at a time; a failure
// is retried later with a doubling delay, up to an hour.
func (app *App) sendDueEmails(ctx context.Context) {
	for ctx.Err() == nil {
		due, err := app.q.DueEmails(ctx, db.DueEmailsParams{NextAttemptAt: sqliteTime(time.Now()), Limit: 100})
		if err != nil {
			if ctx.Err() == nil {
				app.log.Error("outbox: reading due email failed", "err", err)
			}
			return
		}
		if len(due) == 0 {
			return
		}
		var sent []int64
		for _, m := range due {
			sendCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
			err := app.mailer.Send(sendCtx, m.Recipient, m.Subject, m.Body)
			cancel()
			if err != nil {
				delay := min(app.cfg.OutboxRetry<<min(m.Attempts, 20), time.Hour)
				app.log.Warn("outbox: sending failed; will retry", "to", m.Recipient, "subject", m.Subject, "attempt", m.Attempts+1, "retry_in", delay, "err", err)
				if err := app.q.MarkEmailFailed(context.WithoutCancel(ctx), db.MarkEmailFailedParams{
					LastError: nullable(err.Error()), NextAttemptAt: sqliteTime(time.Now().Add(delay)), ID: m.ID,
				}); err != nil {
					app.log.Error("outbox: recording a failure failed", "err", err)
				}
				continue
			}
			sent = append(sent, m.ID)
		}
		// One write for the batch: under a stream of orders, a write per
		// email competed with the orders themselves.
		_, err = app.inTx(context.WithoutCancel(ctx), func(ctx context.Context, q *db.Queries) (string, error) {
			now := nullable(sqliteTime(time.Now()))
			for _, id := range sent {
				if err := q.MarkEmailSent(ctx, db.MarkEmailSentParams{SentAt: now, ID: id}); err != nil {
					return "", err
				}
			}
			return "", nil
		})
		if err != nil {
			app.log.Error("outbox: marking sent failed; those emails may go twice", "err", err)
			return
		}
		if len(sent) > 0 {
			app.log.Info("emails sent", "count", len(sent))
		}
	}
}

// sqliteTime writes a time as the shop's SQLite columns hold it.
func sqliteTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
