package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"boutique/store"
	"boutique/store/storetest"
)

// insertOrder writes an order of one line as fulfilment would, at a time.
func insertOrder(t *testing.T, st *store.Store, n int, name, email, at string, total int64) int64 {
	t.Helper()
	var id int64
	err := st.Write(context.Background(), func(ctx context.Context, tx *store.Tx) error {
		res, err := tx.CreateOrder(ctx, store.CreateOrderParams{OrderNumber: fmt.Sprintf("%032X", 0xABC000+n), StripePid: fmt.Sprintf("pi_%d", n),
			Source: "webhook", FullName: store.Nullable(name), Email: store.Nullable(email), TownOrCity: store.Nullable("Galway"),
			OriginalBag: "[]", OrderTotal: total, GrandTotal: total, AmountPaid: total, Currency: "usd", CreatedAt: at})
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		return tx.CreateOrderLine(ctx, store.CreateOrderLineParams{OrderID: id, ProductID: sql.NullInt64{},
			Quantity: 2, UnitPrice: total / 2, LineitemTotal: total, ProductName: "Mug", Sku: "M-1"})
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// The totals the dashboard reads (per day, per product, per status) are
// the ones a scan of the orders gives, as orders are written and their
// status moves; and the owner's search finds orders by number, email and
// words of the name or address, each alone.
func TestOwnerTotalsAndSearchFollowTheOrders(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	a := insertOrder(t, st, 1, "Ada Lovelace", "Ada@Example.com", "2026-11-30T10:00:00.000Z", 1000)
	insertOrder(t, st, 2, "Grace Hopper", "grace@example.com", "2026-11-30T23:59:59.999Z", 2500)
	insertOrder(t, st, 3, "Zoë Bédé", "zoe@example.org", "2026-12-01T00:00:00.000Z", 400)
	if err := st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE orders SET status = 'shipped' WHERE id = ?`, a)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct{ kept, scanned string }{
		{`SELECT group_concat(day || ':' || orders || ':' || revenue) FROM (SELECT * FROM sales_days ORDER BY day)`,
			`SELECT group_concat(d || ':' || n || ':' || r) FROM (SELECT substr(created_at, 1, 10) AS d, COUNT(*) AS n, SUM(grand_total) AS r FROM orders GROUP BY d ORDER BY d)`},
		{`SELECT group_concat(status || ':' || orders) FROM (SELECT * FROM order_status_counts WHERE orders > 0 ORDER BY status)`,
			`SELECT group_concat(status || ':' || n) FROM (SELECT status, COUNT(*) AS n FROM orders GROUP BY status ORDER BY status)`},
		{`SELECT units || ':' || revenue FROM product_sales`, `SELECT SUM(quantity) || ':' || SUM(lineitem_total) FROM order_line_items`},
	} {
		var kept, scanned string
		st.DB().QueryRow(q.kept).Scan(&kept)
		st.DB().QueryRow(q.scanned).Scan(&scanned)
		if kept != scanned || kept == "" {
			t.Errorf("kept %q, a scan gives %q", kept, scanned)
		}
	}
	for _, c := range []struct {
		search, status string
		want           []string
	}{
		{"", "", []string{"Zoë Bédé", "Grace Hopper", "Ada Lovelace"}},
		{"", "shipped", []string{"Ada Lovelace"}},
		{"00000000000000000000000000ABC002", "", []string{"Grace Hopper"}},
		{"0000000000000000", "paid", []string{"Zoë Bédé", "Grace Hopper"}},
		{"ada@example", "", []string{"Ada Lovelace"}},
		{"GRACE@EXAMPLE.COM", "", []string{"Grace Hopper"}},
		{"hop", "", []string{"Grace Hopper"}},
		{"bede", "", []string{"Zoë Bédé"}}, // hex, but no order number: a name
		{"ada galway", "", []string{"Ada Lovelace"}},
		{"lovelace hopper", "", nil},
		{`"); DROP TABLE orders; --`, "", nil},
	} {
		rows, total, err := st.SearchOrders(ctx, store.OrderSearch{Search: c.search, Status: c.status, Limit: 10})
		if err != nil {
			t.Fatalf("%q: %v", c.search, err)
		}
		var got []string
		for _, r := range rows {
			got = append(got, r.FullName.String)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.want) || total != int64(len(c.want)) {
			t.Errorf("search %q (%s): %v of %d, want %v", c.search, c.status, got, total, c.want)
		}
	}
}
