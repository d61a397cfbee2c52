package orders

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"boutique/cart"
	"boutique/store"
)

// An ExportRange is the days an export covers: from the start of Since
// to the start of Until, in the shop's time zone.
type ExportRange struct {
	Since, Until time.Time
}

// ParseExportRange reads two dates (2006-01-02) in a time zone; until is
// the last day included.
func ParseExportRange(since, until string, loc *time.Location) (ExportRange, error) {
	if loc == nil {
		loc = time.UTC
	}
	s, err1 := time.ParseInLocation(time.DateOnly, since, loc)
	u, err2 := time.ParseInLocation(time.DateOnly, until, loc)
	if err1 != nil || err2 != nil {
		return ExportRange{}, fmt.Errorf("dates are written 2026-12-01 (got %q and %q)", since, until)
	}
	if u.Before(s) {
		return ExportRange{}, fmt.Errorf("%s is before %s", until, since)
	}
	return ExportRange{Since: s, Until: u.AddDate(0, 0, 1)}, nil
}

// WriteOrdersCSV writes the orders of a range as CSV, one row an order,
// amounts in the currency's units (12.34), times in the shop's zone. It
// streams: one order is in memory at a time.
func WriteOrdersCSV(ctx context.Context, st *store.Store, w io.Writer, rg ExportRange, loc *time.Location) error {
	return writeCSV(w, []string{"order_number", "date", "status", "email", "full_name", "country", "items",
		"order_total", "delivery", "discount_code", "discount", "grand_total", "amount_paid", "refunded", "currency", "review"}, func(c *csv.Writer) error {
		return st.EachOrder(ctx, store.Time(rg.Since), store.Time(rg.Until), func(o store.ExportOrder) error {
			return c.Write([]string{o.OrderNumber, OrderDate(o.CreatedAt, loc), o.Status, o.Email, o.FullName, o.Country,
				strconv.FormatInt(o.Items, 10), cart.Plain(o.OrderTotal, o.Currency), cart.Plain(o.Delivery, o.Currency),
				o.DiscountCode, cart.Plain(o.Discount, o.Currency),
				cart.Plain(o.GrandTotal, o.Currency), cart.Plain(o.AmountPaid, o.Currency), cart.Plain(o.Refunded, o.Currency), o.Currency, o.Review})
		})
	})
}

// WriteLinesCSV is WriteOrdersCSV for the orders' lines, one row a line.
func WriteLinesCSV(ctx context.Context, st *store.Store, w io.Writer, rg ExportRange, loc *time.Location) error {
	return writeCSV(w, []string{"order_number", "date", "sku", "product", "size", "quantity", "unit_price", "line_total", "currency"},
		func(c *csv.Writer) error {
			return st.EachOrderLine(ctx, store.Time(rg.Since), store.Time(rg.Until), func(l store.ExportLine) error {
				return c.Write([]string{l.OrderNumber, OrderDate(l.CreatedAt, loc), l.SKU, l.Name, l.Size,
					strconv.FormatInt(l.Quantity, 10), cart.Plain(l.UnitPrice, l.Currency), cart.Plain(l.Total, l.Currency), l.Currency})
			})
		})
}

// writeCSV writes a header, then the rows rows writes, flushing as it
// goes; the first error, the rows' or the writer's, is the answer.
func writeCSV(w io.Writer, header []string, rows func(*csv.Writer) error) error {
	c := csv.NewWriter(w)
	if err := c.Write(header); err != nil {
		return err
	}
	err := rows(c)
	c.Flush()
	if err != nil {
		return err
	}
	return c.Error()
}
