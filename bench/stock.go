package main

import (
	"context"
	"database/sql"
	"os"
	"time"

	"boutique/cart"
	"boutique/orders"
	"boutique/store"
)

// stockAndCodes says whether the bench runs with stock tracked on every
// product and size and a discount code in the shoppers' bags
// (BENCH_STOCK=1), to compare the checkout and webhook rates with the
// default run's.
var stockAndCodes = os.Getenv("BENCH_STOCK") == "1"

// benchCode is the discount code the shoppers' bags carry then.
const benchCode = "BENCH10"

// trackStock counts a million of every product and size in the bench's
// shop, before it serves, and makes benchCode.
func trackStock(dbPath string) error {
	ctx := context.Background()
	st, _, err := store.Open(ctx, dbPath, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	return st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		products, err := tx.OwnerListProducts(ctx, store.OwnerListProductsParams{Max: 100000})
		if err != nil {
			return err
		}
		n := int64(1_000_000)
		for _, p := range products {
			for _, s := range cart.SizesOf(p.HasSizes == 1) {
				if err := orders.CountStock(ctx, tx, p.ID, s, &n, "bench", "bench"); err != nil {
					return err
				}
			}
		}
		_, err = tx.CreateDiscountCode(ctx, store.CreateDiscountCodeParams{Code: benchCode, Percent: sqlInt(10), CreatedAt: store.Time(nowUTC())})
		return err
	})
}

func sqlInt(n int64) sql.NullInt64 { return sql.NullInt64{Int64: n, Valid: true} }

func nowUTC() time.Time { return time.Now().UTC() }
