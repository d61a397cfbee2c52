package orders_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"boutique/orders"
	"boutique/orders/mailtest"
	"boutique/store"
	"boutique/store/storetest"
)

// queue puts n emails in the outbox, as orders would.
func queue(t *testing.T, st *store.Store, n int) {
	t.Helper()
	err := st.Write(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		for i := range n {
			at := store.Time(time.Now())
			if err := orders.Enqueue(ctx, tx, fmt.Sprintf("test:%02d", i), fmt.Sprintf("shopper%02d@example.com", i),
				fmt.Sprintf("Email %02d", i), "Hello.\n", at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// running is a sender started on a store, and how to stop it.
type running struct {
	stop chan struct{}
	done chan struct{}
}

func startSender(st *store.Store, server *mailtest.Server, lease time.Duration) *running {
	s := orders.NewSender(st, orders.SMTPMailer{Config: orders.SMTPConfig{Host: server.Host(), Port: server.Port(), From: "shop@boutique.example"}},
		nil, orders.SenderConfig{Retry: 20 * time.Millisecond, Lease: lease, Domain: "boutique.example"})
	r := &running{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		s.Run(r.stop)
	}()
	s.Wake()
	return r
}

// Stop stops the sender as a graceful shutdown does, and waits for it.
func (r *running) Stop(t *testing.T) {
	t.Helper()
	close(r.stop)
	select {
	case <-r.done:
	case <-time.After(10 * time.Second):
		t.Fatal("the sender did not stop within 10s")
	}
}

// onceEach checks that each of the n emails arrived exactly once, each
// with one Message-ID of its own.
func onceEach(t *testing.T, mails []mailtest.Mail, n int) {
	t.Helper()
	bySubject := map[string][]string{}
	for _, m := range mails {
		bySubject[m.Header("Subject")] = append(bySubject[m.Header("Subject")], m.Header("Message-Id"))
	}
	ids := map[string]bool{}
	for i := range n {
		got := bySubject[fmt.Sprintf("Email %02d", i)]
		if len(got) != 1 {
			t.Errorf("Email %02d arrived %d times", i, len(got))
			continue
		}
		if got[0] == "" || ids[got[0]] {
			t.Errorf("Email %02d has Message-ID %q, not one of its own", i, got[0])
		}
		ids[got[0]] = true
	}
	if len(mails) != n {
		t.Errorf("%d emails arrived, want %d", len(mails), n)
	}
}

func unsent(t *testing.T, st *store.Store) int {
	t.Helper()
	var n int
	if err := st.DB().QueryRow(`SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A graceful stop while a batch of 20 goes to a slow server, then a
// restart: the email being sent at the stop is finished and marked, the
// rest wait for the next sender, and each of the 20 arrives once.
func TestSenderStoppedMidBatchSendsEachOnce(t *testing.T) {
	st := storetest.Open(t)
	queue(t, st, 20)
	arrived := make(chan mailtest.Mail, 20)
	server := mailtest.Start(t, mailtest.Options{Delay: 150 * time.Millisecond, Received: arrived})
	first := startSender(st, server, time.Minute)
	for range 5 {
		<-arrived
	}
	// The fifth email's DATA is with the server, its answer not yet sent:
	// the shop stops now.
	first.Stop(t)
	if got := len(server.Mails()); got != 5 {
		t.Fatalf("%d emails arrived before the stop finished, want 5 (the one in flight finished, no new one begun)", got)
	}
	if n := unsent(t, st); n != 15 {
		t.Fatalf("%d emails unsent after the stop, want 15: the one in flight was not marked", n)
	}
	var claimed int
	st.DB().QueryRow(`SELECT COUNT(*) FROM outbox WHERE lease_until IS NOT NULL`).Scan(&claimed)
	if claimed != 0 {
		t.Fatalf("%d emails still claimed after a graceful stop: the next sender would wait for their lease", claimed)
	}

	// The restart: its sender sends the other 15 at once.
	go func() {
		for range arrived {
		}
	}()
	second := startSender(st, server, time.Minute)
	defer second.Stop(t)
	onceEach(t, server.Wait(t, 20, 20*time.Second), 20)
	time.Sleep(300 * time.Millisecond) // nothing more comes
	onceEach(t, server.Mails(), 20)
}

// Two senders on one outbox (two shops on one file, or a restart while
// the old process is still finishing) never send the same email: a claim
// holds the others off.
func TestTwoSendersShareTheOutbox(t *testing.T) {
	st := storetest.Open(t)
	queue(t, st, 20)
	server := mailtest.Start(t, mailtest.Options{Delay: 20 * time.Millisecond})
	var senders []*running
	for range 2 {
		senders = append(senders, startSender(st, server, time.Minute))
	}
	onceEach(t, server.Wait(t, 20, 20*time.Second), 20)
	time.Sleep(200 * time.Millisecond)
	onceEach(t, server.Mails(), 20)
	for _, s := range senders {
		s.Stop(t)
	}
}

// An email claimed by a sender that died (its claim never given back) is
// sent by the next once the claim lapses, with the same Message-ID as the
// dead sender's attempt would have had.
func TestAClaimThatLapsesIsSentAgain(t *testing.T) {
	st := storetest.Open(t)
	queue(t, st, 3)
	// A sender that claims and dies before sending.
	soon := store.Time(time.Now().Add(time.Second))
	err := st.Write(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		_, err := tx.ClaimEmails(ctx, store.ClaimEmailsParams{LeaseUntil: soon, Now: store.Time(time.Now()), Lim: 3})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	server := mailtest.Start(t, mailtest.Options{})
	r := startSender(st, server, 2*time.Second)
	defer r.Stop(t)
	time.Sleep(300 * time.Millisecond)
	if n := len(server.Mails()); n != 0 {
		t.Fatalf("%d emails sent while another sender's claim held", n)
	}
	mails := server.Wait(t, 3, 10*time.Second)
	onceEach(t, mails, 3)
	var ids []string
	for _, m := range mails {
		ids = append(ids, m.Header("Message-Id"))
	}
	// The Message-ID is the row's: the same in any process, at any attempt.
	var rowIDs []int64
	rows, _ := st.DB().Query(`SELECT id FROM outbox ORDER BY id`)
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		rowIDs = append(rowIDs, id)
	}
	rows.Close()
	for i, id := range rowIDs {
		want := fmt.Sprintf("<%d.", id)
		if len(ids[i]) < len(want) || ids[i][:len(want)] != want || ids[i][len(ids[i])-len("@boutique.example>"):] != "@boutique.example>" {
			t.Errorf("Message-ID %q of row %d", ids[i], id)
		}
	}
}

// A send never outlives its context: the SMTP exchange ends when Send
// returns, so a shutdown that gives up on a send leaves nothing running.
func TestSMTPSendEndsWithItsContext(t *testing.T) {
	arrived := make(chan mailtest.Mail, 1)
	server := mailtest.Start(t, mailtest.Options{Delay: 2 * time.Second, Received: arrived})
	m := orders.SMTPMailer{Config: orders.SMTPConfig{Host: server.Host(), Port: server.Port(), From: "shop@boutique.example"}}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	wg.Add(1)
	var err error
	go func() {
		defer wg.Done()
		err = m.Send(ctx, orders.Message{ID: "<1.a@boutique.example>", To: "a@example.com", Subject: "Hi", Body: "Hello"})
	}()
	<-arrived
	wg.Wait()
	if err == nil {
		t.Fatal("a send whose answer came after its deadline reported success")
	}
	if took := time.Since(start); took > time.Second {
		t.Fatalf("Send returned after %s, past its 300ms deadline", took)
	}
}
