package store

import (
	"context"
	"database/sql"
)

// An ExportOrder is one order as the owner's CSV export has it.
type ExportOrder struct {
	OrderNumber, CreatedAt, Status, Email, FullName, Country string
	Items, OrderTotal, Delivery, GrandTotal, AmountPaid      int64
	Currency, Review                                         string
	DiscountCode                                             string
	Discount, Refunded                                       int64
}

// An ExportLine is one order line as the lines export has it.
type ExportLine struct {
	OrderNumber, CreatedAt, SKU, Name, Size string
	Quantity, UnitPrice, Total              int64
	Currency                                string
}

// EachOrder calls fn with every order created in [since, until) (times
// as the columns hold them), oldest first, one row at a time, so that an
// export of a year of orders never holds them all in memory.
func (s *Store) EachOrder(ctx context.Context, since, until string, fn func(ExportOrder) error) error {
	rows, err := s.readDB.QueryContext(ctx, `
		SELECT o.order_number, o.created_at, o.status, COALESCE(o.email, ''), COALESCE(o.full_name, ''), COALESCE(o.country, ''),
		       COALESCE((SELECT SUM(quantity) FROM order_line_items WHERE order_id = o.id), 0),
		       o.order_total, o.delivery_cost, o.grand_total, o.amount_paid, o.currency, COALESCE(o.review_reason, ''),
		       COALESCE(o.discount_code, ''), o.discount, o.amount_refunded
		FROM orders o
		WHERE o.created_at >= ? AND o.created_at < ?
		ORDER BY o.created_at, o.id`, since, until)
	return each(rows, err, func(r *sql.Rows) error {
		var o ExportOrder
		if err := r.Scan(&o.OrderNumber, &o.CreatedAt, &o.Status, &o.Email, &o.FullName, &o.Country, &o.Items,
			&o.OrderTotal, &o.Delivery, &o.GrandTotal, &o.AmountPaid, &o.Currency, &o.Review,
			&o.DiscountCode, &o.Discount, &o.Refunded); err != nil {
			return err
		}
		return fn(o)
	})
}

// EachOrderLine is EachOrder for the orders' lines.
func (s *Store) EachOrderLine(ctx context.Context, since, until string, fn func(ExportLine) error) error {
	rows, err := s.readDB.QueryContext(ctx, `
		SELECT o.order_number, o.created_at, l.sku, l.product_name, COALESCE(l.product_size, ''), l.quantity, l.unit_price,
		       l.lineitem_total, o.currency
		FROM orders o JOIN order_line_items l ON l.order_id = o.id
		WHERE o.created_at >= ? AND o.created_at < ?
		ORDER BY o.created_at, o.id, l.id`, since, until)
	return each(rows, err, func(r *sql.Rows) error {
		var l ExportLine
		if err := r.Scan(&l.OrderNumber, &l.CreatedAt, &l.SKU, &l.Name, &l.Size, &l.Quantity, &l.UnitPrice, &l.Total, &l.Currency); err != nil {
			return err
		}
		return fn(l)
	})
}

// each runs fn on every row of a query, then closes it.
func each(rows *sql.Rows, err error, fn func(*sql.Rows) error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
