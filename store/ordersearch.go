package store

import (
	"context"
	"database/sql"
	"regexp"
	"strings"
	"unicode"
)

// OrderListRow is an order as the owner's lists show it.
type OrderListRow = OwnerListOrdersRow

// OrderSearch is a search of the owner's order list: its words and the
// status it is limited to ("" for any), and the page wanted.
type OrderSearch struct {
	Search, Status string
	Limit, Offset  int64
}

var orderNumberPrefix = regexp.MustCompile(`^[0-9A-Fa-f]{4,32}$`)

// SearchOrders finds a page of the orders a search names, newest first,
// and how many there are in all, each way through an index: every order
// (or of a status) when the search is empty; an order number's beginning
// (4 to 32 hex digits); an email's beginning (with an @); otherwise the
// words of a name or address, each word or its beginning, through the
// full-text index. A hex search that is no order number's beginning is
// tried as words too ("Bede" is a name).
func (s *Store) SearchOrders(ctx context.Context, q OrderSearch) ([]OrderListRow, int64, error) {
	search := strings.TrimSpace(q.Search)
	switch {
	case search == "":
		total, err := s.read.OwnerCountOrders(ctx, q.Status)
		if err != nil {
			return nil, 0, err
		}
		if q.Status == "" {
			rows, err := s.read.OwnerListOrders(ctx, OwnerListOrdersParams{Lim: q.Limit, Off: q.Offset})
			return rows, total, err
		}
		rows, err := s.read.OwnerListOrdersByStatus(ctx, OwnerListOrdersByStatusParams{Status: q.Status, Lim: q.Limit, Off: q.Offset})
		return convertRows(rows), total, err
	case orderNumberPrefix.MatchString(search):
		lo := strings.ToUpper(search)
		total, err := s.read.CountOrdersByNumber(ctx, CountOrdersByNumberParams{Lo: lo, Hi: lo + "G", Status: q.Status})
		if err != nil || total > 0 {
			if err != nil {
				return nil, 0, err
			}
			rows, err := s.read.SearchOrdersByNumber(ctx, SearchOrdersByNumberParams{Lo: lo, Hi: lo + "G", Status: q.Status, Lim: q.Limit, Off: q.Offset})
			return convertRows(rows), total, err
		}
	case strings.Contains(search, "@"):
		lo := sql.NullString{String: strings.ToLower(search), Valid: true}
		hi := sql.NullString{String: lo.String + "\U0010FFFF", Valid: true}
		total, err := s.read.CountOrdersByEmail(ctx, CountOrdersByEmailParams{Lo: lo, Hi: hi, Status: q.Status})
		if err != nil {
			return nil, 0, err
		}
		rows, err := s.read.SearchOrdersByEmail(ctx, SearchOrdersByEmailParams{Lo: lo, Hi: hi, Status: q.Status, Lim: q.Limit, Off: q.Offset})
		return convertRows(rows), total, err
	}
	return s.searchOrdersByWords(ctx, search, q)
}

// searchOrdersByWords is the full-text search of SearchOrders.
func (s *Store) searchOrdersByWords(ctx context.Context, search string, q OrderSearch) ([]OrderListRow, int64, error) {
	match := ftsQuery(search)
	if match == "" {
		return nil, 0, nil
	}
	const where = `WHERE id IN (SELECT rowid FROM orders_search WHERE orders_search MATCH ?1) AND (?2 = '' OR status = ?2)`
	count, list := `SELECT COUNT(*) FROM orders `+where, `
		SELECT id, order_number, created_at, email, full_name, grand_total, currency, status, review_reason
		FROM orders `+where+`
		ORDER BY created_at DESC, id DESC LIMIT ?3 OFFSET ?4`
	if q.Status == "" {
		// Counted and paged in the full-text index alone, newest (the
		// highest id: orders are written as they are paid) first; only
		// the page's orders are read.
		count, list = `SELECT COUNT(*) FROM orders_search WHERE orders_search MATCH ?1 AND ?2 = ''`, `
		SELECT o.id, o.order_number, o.created_at, o.email, o.full_name, o.grand_total, o.currency, o.status, o.review_reason
		FROM (SELECT rowid FROM orders_search WHERE orders_search MATCH ?1 AND ?2 = '' ORDER BY rowid DESC LIMIT ?3 OFFSET ?4) AS m
		JOIN orders o ON o.id = m.rowid
		ORDER BY o.id DESC`
	}
	var total int64
	if err := s.readDB.QueryRowContext(ctx, count, match, q.Status).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.readDB.QueryContext(ctx, list, match, q.Status, q.Limit, q.Offset)
	var out []OrderListRow
	err = each(rows, err, func(r *sql.Rows) error {
		var o OrderListRow
		if err := r.Scan(&o.ID, &o.OrderNumber, &o.CreatedAt, &o.Email, &o.FullName, &o.GrandTotal, &o.Currency, &o.Status, &o.ReviewReason); err != nil {
			return err
		}
		out = append(out, o)
		return nil
	})
	return out, total, err
}

// ftsQuery is a search as a full-text query: each word (letters and
// digits) quoted, as a prefix, all of them required; "" for no words.
func ftsQuery(search string) string {
	words := strings.FieldsFunc(search, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if len(words) > 8 {
		words = words[:8]
	}
	for i, w := range words {
		words[i] = `"` + w + `"*`
	}
	return strings.Join(words, " ")
}

// convertRows reads the rows of another order-list query as OrderListRow:
// sqlc makes a type of each query's, with the same fields.
func convertRows[R ~struct {
	ID           int64
	OrderNumber  string
	CreatedAt    string
	Email        sql.NullString
	FullName     sql.NullString
	GrandTotal   int64
	Currency     string
	Status       string
	ReviewReason sql.NullString
}](rows []R) []OrderListRow {
	out := make([]OrderListRow, len(rows))
	for i, r := range rows {
		out[i] = OrderListRow(r)
	}
	return out
}
