package orders

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"testing"
	"time"

	"boutique/cart"
	"boutique/store/storetest"
)

// The export holds the orders of the days asked for, in the shop's zone,
// one row an order with its amounts in currency units; the lines export
// one row a line.
func TestExportCSV(t *testing.T) {
	_, st := testOrders(t)
	ctx := context.Background()
	dublin, err := time.LoadLocation("Europe/Dublin")
	if err != nil {
		t.Fatal(err)
	}
	for i, at := range []string{
		"2026-06-30T22:59:59.000Z", // 23:59 on 30 June in Dublin (summer time): outside
		"2026-06-30T23:00:00.000Z", // 00:00 on 1 July in Dublin: inside
		"2026-07-01T12:00:00.000Z",
		"2026-07-01T23:00:00.000Z", // 00:00 on 2 July in Dublin: outside
	} {
		id := int64(i + 1)
		storetest.Exec(t, st, `INSERT INTO orders (id, order_number, stripe_pid, source, email, full_name, original_bag, order_total,
			delivery_cost, grand_total, amount_paid, currency, created_at) VALUES (?, ?, ?, 'webhook', 'ada@example.com', 'Ada, "the" buyer', '[]',
			1200, 120, 1320, 1320, 'usd', ?)`, id, fmt.Sprintf("%032X", id), fmt.Sprintf("pi_%d", id), at)
		storetest.Exec(t, st, `INSERT INTO order_line_items (order_id, product_id, quantity, unit_price, lineitem_total, product_name, sku)
			VALUES (?, NULL, 2, 600, 1200, 'Mug', 'KIT-1')`, id)
	}
	rg, err := ParseExportRange("2026-07-01", "2026-07-01", dublin)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteOrdersCSV(ctx, st, &b, rg, dublin); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[1][0] != fmt.Sprintf("%032X", 2) || rows[2][0] != fmt.Sprintf("%032X", 3) {
		t.Fatalf("rows %v", rows)
	}
	want := map[string]string{"date": "1 July 2026, 00:00 IST", "full_name": `Ada, "the" buyer`, "items": "2",
		"order_total": "12.00", "delivery": "1.20", "grand_total": "13.20", "currency": "usd"}
	for i, col := range rows[0] {
		if w, ok := want[col]; ok && rows[1][i] != w {
			t.Errorf("%s = %q, want %q", col, rows[1][i], w)
		}
	}
	b.Reset()
	if err := WriteLinesCSV(ctx, st, &b, rg, dublin); err != nil {
		t.Fatal(err)
	}
	lines, _ := csv.NewReader(&b).ReadAll()
	if len(lines) != 3 || lines[1][2] != "KIT-1" || lines[1][5] != "2" || lines[1][7] != "12.00" {
		t.Fatalf("lines %v", lines)
	}
	if _, err := ParseExportRange("2026-07-02", "2026-07-01", nil); err == nil {
		t.Fatal("a range that ends before it starts")
	}
	if _, err := ParseExportRange("1 July", "2026-07-01", nil); err == nil {
		t.Fatal("a date in another form")
	}
}

// A day of 1,000 orders, some with a code and some refunded: one row an
// order, and the columns add up to what the orders hold.
func TestExportCSVOfABusyDay(t *testing.T) {
	_, st := testOrders(t)
	ctx := context.Background()
	var grand, discount, refunded int64
	for i := range 1000 {
		id := int64(i + 1)
		total, off, back := int64(1000+i), int64(0), int64(0)
		code := any(nil)
		if i%7 == 0 {
			off, code = 100, "WINTER"
		}
		if i%11 == 0 {
			back = 250
		}
		grand, discount, refunded = grand+total-off, discount+off, refunded+back
		storetest.Exec(t, st, `INSERT INTO orders (id, order_number, stripe_pid, source, email, full_name, original_bag, order_total,
			delivery_cost, grand_total, amount_paid, currency, created_at, discount_code, discount, amount_refunded)
			VALUES (?, ?, ?, 'webhook', 'ada@example.com', 'Ada', '[]', ?, 0, ?, ?, 'usd', ?, ?, ?, ?)`,
			id, fmt.Sprintf("%032X", id), fmt.Sprintf("pi_%d", id), total, total-off, total-off,
			fmt.Sprintf("2026-07-01T%02d:%02d:00.000Z", i/60%24, i%60), code, off, back)
	}
	rg, err := ParseExportRange("2026-07-01", "2026-07-01", time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteOrdersCSV(ctx, st, &b, rg, time.UTC); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil || len(rows) != 1001 {
		t.Fatalf("%d rows (%v), want a header and 1,000", len(rows), err)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	sum := func(name string) int64 {
		var cents int64
		for _, r := range rows[1:] {
			n, err := cart.ParseAmount(r[col[name]], "usd")
			if err != nil {
				t.Fatalf("%s %q: %v", name, r[col[name]], err)
			}
			cents += n
		}
		return cents
	}
	if g, d, r := sum("grand_total"), sum("discount"), sum("refunded"); g != grand || d != discount || r != refunded {
		t.Fatalf("the CSV adds up to %d, %d off and %d refunded; the orders to %d, %d and %d", g, d, r, grand, discount, refunded)
	}
}
