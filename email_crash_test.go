package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"boutique/cart"
	"boutique/orders"
	"boutique/orders/mailtest"
	"boutique/payments/stripefake"
	"boutique/store"
)

// queueEmails puts n emails in the outbox of the database at path, as
// orders would, before the shop starts.
func queueEmails(t *testing.T, path string, n int) {
	t.Helper()
	st, _, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	err = st.Write(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		for i := range n {
			if err := orders.Enqueue(ctx, tx, fmt.Sprintf("test:%02d", i), fmt.Sprintf("shopper%02d@example.com", i),
				fmt.Sprintf("Email %02d", i), "Hello.\n", store.Time(time.Now())); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// bySubject groups the Message-IDs of the mails received by subject.
func bySubject(mails []mailtest.Mail) map[string][]string {
	out := map[string][]string{}
	for _, m := range mails {
		out[m.Header("Subject")] = append(out[m.Header("Subject")], m.Header("Message-Id"))
	}
	return out
}

func smtpEnv(server *mailtest.Server, lease string) []string {
	return []string{"SMTP_HOST=" + server.Host(), "SMTP_PORT=" + strconv.Itoa(server.Port()),
		"SMTP_FROM=orders@boutique.example", "BOUTIQUE_EMAIL_LEASE=" + lease}
}

// The shop is stopped gracefully in the middle of a batch of 20 emails to
// a slow server, while boutique reconcile records missed orders beside it;
// started again, it sends the rest. Each email arrives once: the stop
// finishes the email in flight and marks it, and reconcile sends nothing
// itself.
func TestEmailsAcrossAGracefulStopAndReconcile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	const secret = "whsec_email_test"
	dir := t.TempDir()
	path := filepath.Join(dir, "shop.db")
	bin := buildBinary(t, dir)
	queueEmails(t, path, 20)

	// Five paid checkouts whose webhooks never came: reconcile records
	// them, and their confirmations join the outbox.
	fake := stripefake.New()
	defer fake.Close()
	for i := range 5 {
		if _, err := paidCheckout(fake, fmt.Sprintf("email-%d", i), fmt.Sprintf("missed%d@example.com", i),
			[]cart.Line{{ProductID: 26, Quantity: 1, UnitPrice: 1600}}); err != nil {
			t.Fatal(err)
		}
	}
	stripeEnv := map[string]string{"STRIPE_PUBLIC_KEY": "pk_test_email", "STRIPE_SECRET_KEY": "sk_test_email",
		"STRIPE_WH_SECRET": secret, "STRIPE_API_BASE": fake.URL()}

	arrived := make(chan mailtest.Mail, 100)
	server := mailtest.Start(t, mailtest.Options{Delay: 100 * time.Millisecond, Received: arrived})
	env := append([]string{"PATH=/usr/bin:/bin"}, smtpEnv(server, "4s")...)
	for k, v := range stripeEnv {
		env = append(env, k+"="+v)
	}
	proc := startBinary(t, bin, dir, env)
	for range 5 {
		<-arrived
	}
	// reconcile has no SMTP settings: a sender of its own would log the
	// due emails and mark them sent, and they would never reach the server.
	var out strings.Builder
	if err := run(context.Background(), []string{"boutique", "reconcile", "-db", path}, func(k string) string { return stripeEnv[k] }, &out); err != nil {
		t.Fatalf("reconcile: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "5 recorded now") {
		t.Fatalf("reconcile said:\n%s", out.String())
	}
	for range 3 {
		<-arrived
	}
	// Mid-DATA of the eighth email: a graceful stop.
	proc.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-proc.exited:
		if err != nil {
			t.Fatalf("the shop's graceful stop: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the shop did not stop within 30s")
	}
	if n := len(server.Mails()); n != 8 {
		t.Fatalf("%d emails arrived by the stop, want 8", n)
	}
	go func() {
		for range arrived {
		}
	}()

	startBinary(t, bin, dir, env)
	mails := server.Wait(t, 25, 60*time.Second)
	time.Sleep(500 * time.Millisecond)
	mails = server.Mails()
	got := bySubject(mails)
	for subject, ids := range got {
		if len(ids) != 1 {
			t.Errorf("%q arrived %d times", subject, len(ids))
		}
	}
	confirmations := 0
	for subject := range got {
		if strings.HasPrefix(subject, "Boutique order confirmation ") {
			confirmations++
		}
	}
	if len(mails) != 25 || confirmations != 5 {
		t.Fatalf("%d emails (%d confirmations), want 25 (5)", len(mails), confirmations)
	}
}

// The shop is killed with SIGKILL while the server holds an email whose
// answer it has not sent. Started again, the shop sends the rest once
// the dead process's claim lapses: the only email that arrives twice is
// the one in flight at the kill, both times with the same Message-ID.
func TestEmailsAfterASIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "shop.db")
	bin := buildBinary(t, dir)
	queueEmails(t, path, 20)
	arrived := make(chan mailtest.Mail, 100)
	server := mailtest.Start(t, mailtest.Options{Delay: 400 * time.Millisecond, Received: arrived})
	env := append([]string{"PATH=/usr/bin:/bin"}, smtpEnv(server, "2s")...)
	proc := startBinary(t, bin, dir, env)
	var inFlight mailtest.Mail
	for range 6 {
		inFlight = <-arrived
	}
	proc.cmd.Process.Signal(syscall.SIGKILL)
	<-proc.exited
	go func() {
		for range arrived {
		}
	}()
	ro, err := store.OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	var marked int
	ro.QueryRow(`SELECT COUNT(*) FROM outbox WHERE sent_at IS NOT NULL`).Scan(&marked)
	ro.Close()
	if marked != 5 {
		t.Fatalf("%d emails marked sent at the kill, want the 5 answered", marked)
	}

	startBinary(t, bin, dir, env)
	deadline := time.Now().Add(60 * time.Second)
	for len(bySubject(server.Mails())) < 20 {
		if time.Now().After(deadline) {
			t.Fatalf("%d of the 20 emails arrived within 60s of the restart", len(bySubject(server.Mails())))
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second)
	mails := server.Mails()
	twice := 0
	for subject, ids := range bySubject(mails) {
		for _, id := range ids[1:] {
			if id != ids[0] {
				t.Errorf("%q arrived with Message-IDs %v", subject, ids)
			}
		}
		if len(ids) > 1 {
			twice++
			if subject != inFlight.Header("Subject") || len(ids) != 2 {
				t.Errorf("%q arrived %d times; only %q was in flight at the kill", subject, len(ids), inFlight.Header("Subject"))
			}
		}
	}
	t.Logf("%d emails arrived for 20 in the outbox; %d twice (in flight at the kill, Message-ID %s)", len(mails), twice, inFlight.Header("Message-Id"))
	if len(mails) > 21 {
		t.Fatalf("%d emails arrived for 20", len(mails))
	}
}
