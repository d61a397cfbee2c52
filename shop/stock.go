package shop

import (
	"context"
	"fmt"
	"strings"
	"time"

	"boutique/orders"
	"boutique/store"
)

// stockLeft is what can still be sold of each tracked size of a product
// ("" for one without sizes) by the session's bag: on hand, less what
// other bags' checkouts hold. A size that is not there is not tracked.
func (app *App) stockLeft(ctx context.Context, bagID string, productID int64) (map[string]int64, error) {
	rows, err := app.q.ProductStock(ctx, store.ProductStockParams{Now: store.Time(time.Now()), BagID: bagID, ProductID: productID})
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	left := make(map[string]int64, len(rows))
	for _, r := range rows {
		left[r.Size] = orders.Left(r.OnHand, r.Held)
	}
	return left, nil
}

// checkStock says why a bag cannot hold want of a product in a size, or
// "" when it can.
func (app *App) checkStock(ctx context.Context, bagID string, productID int64, name, size string, want int64) (string, error) {
	left, err := app.stockLeft(ctx, bagID, productID)
	if err != nil {
		return "", err
	}
	n, tracked := left[size]
	if !tracked || want <= n {
		return "", nil
	}
	return stockMessage(describe(name, size), n), nil
}

// stockMessage tells a shopper how many of something are left.
func stockMessage(what string, left int64) string {
	if left <= 0 {
		return fmt.Sprintf("Sorry, %s is sold out.", what)
	}
	return fmt.Sprintf("Sorry, only %d of %s left.", left, what)
}

// bagShortages are the lines of a bag beyond the stock other bags'
// checkouts leave, and a message naming them ("" when there are none).
func (app *App) bagShortages(ctx context.Context, bagID string, rows []store.ListBagLinesRow) ([]orders.Shortage, string, error) {
	if bagID == "" || len(rows) == 0 {
		return nil, "", nil
	}
	stock, err := app.q.BagStock(ctx, store.BagStockParams{Now: store.Time(time.Now()), BagID: bagID})
	if err != nil || len(stock) == 0 {
		return nil, "", err
	}
	short := orders.Shortages(cartLines(rows), stock)
	return short, shortageText(rows, short), nil
}

// shortageText names the lines of a bag that are short, and how many are
// left of each.
func shortageText(rows []store.ListBagLinesRow, short []orders.Shortage) string {
	if len(short) == 0 {
		return ""
	}
	var parts []string
	for _, s := range short {
		name := fmt.Sprintf("product #%d", s.ProductID)
		for _, r := range rows {
			if r.ProductID == s.ProductID {
				name = r.Name
			}
		}
		what := describe(name, s.Size)
		if s.Left == 0 {
			parts = append(parts, what+" has sold out")
		} else {
			parts = append(parts, fmt.Sprintf("only %d of %s left", s.Left, what))
		}
	}
	return "Sorry: " + strings.Join(parts, "; ") + ". Please change your bag to check out. Your card has not been charged."
}
