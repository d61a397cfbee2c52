package cart

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// EncodeBag writes lines compactly as JSON, [[product_id,"size",quantity,
// unit_price],...], the form a paid bag travels in with its payment and is
// kept in the order.
func EncodeBag(lines []Line) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, l := range lines {
		if i > 0 {
			b.WriteByte(',')
		}
		size, _ := json.Marshal(l.Size)
		fmt.Fprintf(&b, "[%d,%s,%d,%d]", l.ProductID, size, l.Quantity, l.UnitPrice)
	}
	b.WriteByte(']')
	return b.String()
}

// DecodeBag reads what EncodeBag wrote, refusing anything that is not a
// bag this shop could have made.
func DecodeBag(s string) ([]Line, error) {
	var raw [][]json.RawMessage
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return nil, fmt.Errorf("bag: %w", err)
	}
	if len(raw) > MaxLines {
		return nil, fmt.Errorf("bag: %d lines, more than %d", len(raw), MaxLines)
	}
	lines := make([]Line, 0, len(raw))
	for i, r := range raw {
		if len(r) != 4 {
			return nil, fmt.Errorf("bag line %d has %d fields, want 4", i, len(r))
		}
		var l Line
		var err error
		if l.ProductID, err = strconv.ParseInt(string(r[0]), 10, 64); err != nil || l.ProductID <= 0 {
			return nil, fmt.Errorf("bag line %d: bad product id %s", i, r[0])
		}
		if err := json.Unmarshal(r[1], &l.Size); err != nil || (l.Size != "" && !slices.Contains(Sizes, l.Size)) {
			return nil, fmt.Errorf("bag line %d: bad size %s", i, r[1])
		}
		if l.Quantity, err = strconv.ParseInt(string(r[2]), 10, 64); err != nil || l.Quantity < 1 || l.Quantity > MaxQuantity {
			return nil, fmt.Errorf("bag line %d: bad quantity %s", i, r[2])
		}
		if l.UnitPrice, err = strconv.ParseInt(string(r[3]), 10, 64); err != nil || l.UnitPrice < 0 || l.UnitPrice > MaxUnitPrice {
			return nil, fmt.Errorf("bag line %d: bad unit price %s", i, r[3])
		}
		lines = append(lines, l)
	}
	return lines, nil
}
