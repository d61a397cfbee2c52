package shop_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"boutique/orders/mailtest"
	"boutique/shop"
)

func withSMTP(s *mailtest.Server) func(*shop.Config) {
	return func(c *shop.Config) {
		c.SMTP.Host = s.Host()
		c.SMTP.Port = s.Port()
		c.SMTP.From = "orders@boutique.example"
		c.ContactEmail = "help@boutique.example"
		c.OutboxRetry = 20 * time.Millisecond
	}
}

func TestConfirmationEmailIsSentOnceWhateverTheDuplicates(t *testing.T) {
	mailbox := mailtest.Start(t, mailtest.Options{})
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

	msgs := mailbox.Wait(t, 1, 10*time.Second)
	o := s.order(pid)
	m := msgs[0]
	if m.From != "orders@boutique.example" || m.To != "ada@example.com" {
		t.Fatalf("from %q to %q", m.From, m.To)
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
		if !strings.Contains(m.Data, want) {
			t.Errorf("the email lacks %q:\n%s", want, m.Data)
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
	if unsent != 0 || len(mailbox.Mails()) != 1 {
		t.Fatalf("%d unsent, %d received", unsent, len(mailbox.Mails()))
	}
}

func TestConfirmationEmailIsRetriedAfterAFailure(t *testing.T) {
	mailbox := mailtest.Start(t, mailtest.Options{FailFirst: 2})
	s := newWebhookShop(t, withSMTP(mailbox))
	pid, _, _ := s.checkoutPaid(shopper, &shopper)
	s.deliver(s.fake.IntentEvent("payment_intent.succeeded", pid))
	msgs := mailbox.Wait(t, 1, 10*time.Second)
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
