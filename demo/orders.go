package demo

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"time"

	"boutique/store"
)

var (
	synthFirst = []string{"Ada", "Grace", "Alan", "Mary", "Tim", "Sofia", "Liam", "Aoife", "Noah", "Chloe", "Oisín", "Mateo", "Hana", "Ravi", "Zoë", "Femi"}
	synthLast  = []string{"Lovelace", "Hopper", "Turing", "Somerville", "Berners-Lee", "Kovalevskaya", "Murphy", "Byrne", "Okafor", "García", "Tanaka", "Patel", "Nowak", "Moreau"}
	synthTowns = []string{"Galway", "Cork", "Bristol", "Leeds", "Lyon", "Porto", "Ghent", "Utrecht", "Bergen", "Kraków"}
)

// ordersPerWrite is how many orders one write of AddOrders holds.
const ordersPerWrite = 2000

// AddOrders adds paid orders until the shop holds n, spread over the year
// before now, from a pool of customers (about one for every four
// orders), each of one to four lines of the catalog's products, with the
// webhook event each would have left. It is for benchmarks of the
// owner's pages at the size of a shop that did well; it reports how many
// it added. The generator is seeded, so the same n gives the same shop.
func AddOrders(ctx context.Context, st *store.Store, n int, now time.Time) (int, error) {
	var have int64
	if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM orders`).Scan(&have); err != nil {
		return 0, err
	}
	products, err := st.Read().OwnerListProducts(ctx, store.OwnerListProductsParams{Max: 1_000_000, Skip: 0})
	if err != nil {
		return 0, err
	}
	if len(products) == 0 {
		return 0, fmt.Errorf("demo: orders need products first")
	}
	rng := rand.New(rand.NewPCG(uint64(n), uint64(have)))
	customers := max(n/4, 1)
	added := 0
	for added < n-int(have) {
		batch := min(ordersPerWrite, n-int(have)-added)
		err := st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
			for i := range batch {
				seq := int(have) + added + i
				// Older orders first, so that ids follow dates.
				at := now.Add(-time.Duration(float64(365*24*time.Hour) * (1 - float64(seq+1)/float64(n+1))))
				c := rng.IntN(customers)
				first, last := synthFirst[c%len(synthFirst)], synthLast[(c/len(synthFirst))%len(synthLast)]
				var total int64
				type line struct {
					p   store.OwnerListProductsRow
					qty int64
				}
				var lines []line
				for range 1 + rng.IntN(4) {
					p := products[rng.IntN(len(products))]
					l := line{p, 1 + int64(rng.IntN(3))}
					lines = append(lines, l)
					total += p.Price * l.qty
				}
				delivery := int64(0)
				if total < 5000 {
					delivery = (total + 5) / 10
				}
				status := "shipped"
				switch r := rng.IntN(100); {
				case seq >= n-150:
					status = "paid" // the last few, waiting to be shipped
				case r < 3:
					status = "refunded"
				case r < 5:
					status = "partially_refunded"
				}
				pid := fmt.Sprintf("pi_demo%09d", seq)
				number := fmt.Sprintf("%016X%016X", rng.Uint64(), rng.Uint64())
				review := sql.NullString{}
				if rng.IntN(500) == 0 {
					review = store.Nullable("paid $1.00 less than the bag as priced at payment")
				}
				bag := "[]"
				res, err := tx.CreateOrder(ctx, store.CreateOrderParams{
					OrderNumber: number, StripePid: pid, Source: "webhook",
					FullName: store.Nullable(first + " " + last), Email: store.Nullable(fmt.Sprintf("customer%d@example.com", c)),
					Country: store.Nullable("IE"), Postcode: store.Nullable(fmt.Sprintf("H%02d X%03d", c%100, c%1000)),
					TownOrCity: store.Nullable(synthTowns[c%len(synthTowns)]), StreetAddress1: store.Nullable(fmt.Sprintf("%d Harbour Row", 1+c%200)),
					OriginalBag: bag, OrderTotal: total, DeliveryCost: delivery, GrandTotal: total + delivery, AmountPaid: total + delivery,
					Currency: "usd", ReviewReason: review, CreatedAt: store.Time(at),
				})
				if err != nil {
					return err
				}
				id, err := res.LastInsertId()
				if err != nil {
					return err
				}
				for _, l := range lines {
					size := sql.NullString{}
					if l.p.HasSizes == 1 {
						size = store.Nullable("M")
					}
					if err := tx.CreateOrderLine(ctx, store.CreateOrderLineParams{OrderID: id, ProductID: sql.NullInt64{Int64: l.p.ID, Valid: true},
						ProductSize: size, Quantity: l.qty, UnitPrice: l.p.Price, LineitemTotal: l.p.Price * l.qty,
						ProductName: l.p.Name, Sku: l.p.Sku}); err != nil {
						return err
					}
				}
				if status != "paid" {
					if _, err := tx.Exec(ctx, `UPDATE orders SET status = ? WHERE id = ?`, status, id); err != nil {
						return err
					}
				}
				if _, err := tx.RecordEvent(ctx, store.RecordEventParams{ID: fmt.Sprintf("evt_demo%09d", seq), Type: "payment_intent.succeeded",
					PaymentIntentID: store.Nullable(pid), Outcome: "created", ReceivedAt: store.Time(at.Add(2 * time.Second))}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return added, err
		}
		added += batch
	}
	return added, nil
}
