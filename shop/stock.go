package shop

import (
	"context"
	"database/sql"
	"errors"
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
	if tracked, err := app.st.TracksStock(ctx, productID); err != nil || !tracked {
		return nil, err
	}
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

// checkStock says why a bag cannot take more of a product in a size,
// with what its line holds already, or "" when it can. Only a tracked
// product costs a look at the bag and the stock.
func (app *App) checkStock(ctx context.Context, bagID string, productID int64, name, size string, more int64) (string, int64, error) {
	if tracked, err := app.st.TracksStock(ctx, productID); err != nil || !tracked {
		return "", 0, err
	}
	have, err := app.q.GetBagLineQuantity(ctx, store.GetBagLineQuantityParams{BagID: bagID, ProductID: productID, Size: size})
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return "", 0, err
	}
	msg, _, err := app.checkStockFor(ctx, bagID, productID, name, size, have+more)
	return msg, have, err
}

// checkStockFor says why a bag's line cannot hold want of a product in a
// size, or "" when it can.
func (app *App) checkStockFor(ctx context.Context, bagID string, productID int64, name, size string, want int64) (string, int64, error) {
	left, err := app.stockLeft(ctx, bagID, productID)
	if err != nil {
		return "", 0, err
	}
	n, tracked := left[size]
	if !tracked || want <= n {
		return "", 0, nil
	}
	return stockMessage(describe(name, size), n), 0, nil
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
	tracked := false
	for _, r := range rows {
		t, err := app.st.TracksStock(ctx, r.ProductID)
		if err != nil {
			return nil, "", err
		}
		tracked = tracked || t
	}
	if !tracked {
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
