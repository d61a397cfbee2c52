package cart

import (
	"math/rand/v2"
	"testing"
)

func TestPrice(t *testing.T) {
	tests := []struct {
		name  string
		rules Rules
		lines []Line
		want  Totals
	}{
		{"empty bag", DefaultRules, nil, Totals{}},
		{"under the threshold pays 10%", DefaultRules,
			[]Line{{1, "", 2, 1000}},
			Totals{Count: 2, Total: 2000, Delivery: 200, GrandTotal: 2200, FreeDeliveryDelta: 3000}},
		{"delivery rounds half up: 24.95 pays 2.50", DefaultRules,
			[]Line{{1, "", 1, 2495}},
			Totals{Count: 1, Total: 2495, Delivery: 250, GrandTotal: 2745, FreeDeliveryDelta: 2505}},
		{"delivery rounds down below the half: 24.94 pays 2.49", DefaultRules,
			[]Line{{1, "", 1, 2494}},
			Totals{Count: 1, Total: 2494, Delivery: 249, GrandTotal: 2743, FreeDeliveryDelta: 2506}},
		{"one cent under the threshold still pays", DefaultRules,
			[]Line{{1, "", 1, 4999}},
			Totals{Count: 1, Total: 4999, Delivery: 500, GrandTotal: 5499, FreeDeliveryDelta: 1}},
		{"exactly the threshold ships free", DefaultRules,
			[]Line{{1, "", 2, 2500}},
			Totals{Count: 2, Total: 5000, Delivery: 0, GrandTotal: 5000}},
		{"over the threshold ships free", DefaultRules,
			[]Line{{1, "", 1, 19500}},
			Totals{Count: 1, Total: 19500, GrandTotal: 19500}},
		{"sizes are separate lines that add up", DefaultRules,
			[]Line{{7, "M", 1, 2400}, {7, "L", 2, 2400}},
			Totals{Count: 3, Total: 7200, GrandTotal: 7200}},
		{"a fractional percentage: 7.5% of 9.99 is 0.75", Rules{FreeDeliveryThreshold: 5000, DeliveryBasisPoints: 750},
			[]Line{{1, "", 1, 999}},
			Totals{Count: 1, Total: 999, Delivery: 75, GrandTotal: 1074, FreeDeliveryDelta: 4001}},
		{"free delivery for everything when the threshold is 0", Rules{FreeDeliveryThreshold: 0, DeliveryBasisPoints: 1000},
			[]Line{{1, "", 1, 100}},
			Totals{Count: 1, Total: 100, GrandTotal: 100}},
		{"nothing negative counts", DefaultRules,
			[]Line{{1, "", -3, 1000}, {2, "", 2, -500}, {3, "", 0, 700}, {4, "", 1, 300}},
			Totals{Count: 1, Total: 300, Delivery: 30, GrandTotal: 330, FreeDeliveryDelta: 4700}},
		{"a negative percentage charges nothing", Rules{FreeDeliveryThreshold: 5000, DeliveryBasisPoints: -1000},
			[]Line{{1, "", 1, 1000}},
			Totals{Count: 1, Total: 1000, GrandTotal: 1000, FreeDeliveryDelta: 4000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.rules.Price(tt.lines); got != tt.want {
				t.Fatalf("Price = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// Over many random bags: the grand total is the bag total plus delivery,
// nothing is negative, and delivery is free exactly from the threshold.
func TestPriceProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 5000 {
		rules := Rules{FreeDeliveryThreshold: rng.Int64N(20000), DeliveryBasisPoints: rng.Int64N(2501)}
		lines := make([]Line, rng.IntN(8))
		var total int64
		for j := range lines {
			lines[j] = Line{ProductID: int64(j), Quantity: 1 + rng.Int64N(MaxQuantity), UnitPrice: rng.Int64N(30000)}
			total += lines[j].Quantity * lines[j].UnitPrice
		}
		got := rules.Price(lines)
		switch {
		case got.GrandTotal != got.Total+got.Delivery:
			t.Fatalf("bag %d: grand total %d != total %d + delivery %d", i, got.GrandTotal, got.Total, got.Delivery)
		case got.Total != total:
			t.Fatalf("bag %d: total %d, want %d", i, got.Total, total)
		case got.Delivery < 0 || got.GrandTotal < 0 || got.FreeDeliveryDelta < 0:
			t.Fatalf("bag %d: negative totals %+v", i, got)
		case total >= rules.FreeDeliveryThreshold && (got.Delivery != 0 || got.FreeDeliveryDelta != 0):
			t.Fatalf("bag %d: total %d at or over threshold %d pays %d", i, total, rules.FreeDeliveryThreshold, got.Delivery)
		case total > 0 && total < rules.FreeDeliveryThreshold && got.FreeDeliveryDelta != rules.FreeDeliveryThreshold-total:
			t.Fatalf("bag %d: delta %d, want %d", i, got.FreeDeliveryDelta, rules.FreeDeliveryThreshold-total)
		}
		// Delivery is the percentage rounded half up: within half a cent.
		if total > 0 && total < rules.FreeDeliveryThreshold {
			exact := float64(total) * float64(rules.DeliveryBasisPoints) / 10000
			if d := float64(got.Delivery) - exact; d < -0.5 || d > 0.5 {
				t.Fatalf("bag %d: delivery %d for exact %.4f", i, got.Delivery, exact)
			}
		}
	}
}

func TestParseQuantity(t *testing.T) {
	tests := []struct {
		in   string
		min  int64
		want int64
		ok   bool
	}{
		{"1", 1, 1, true}, {" 99 ", 1, 99, true}, {"0", 0, 0, true}, {"0", 1, 0, false},
		{"100", 1, 0, false}, {"-1", 0, 0, false}, {"1.5", 1, 0, false}, {"", 1, 0, false},
		{"two", 1, 0, false}, {"1e2", 1, 0, false}, {"99999999999999999999", 1, 0, false},
	}
	for _, tt := range tests {
		got, err := ParseQuantity(tt.in, tt.min)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseQuantity(%q, %d) = %d, %v", tt.in, tt.min, got, err)
		}
	}
}

func TestParseSize(t *testing.T) {
	tests := []struct {
		in    string
		sized bool
		want  string
		ok    bool
	}{
		{"M", true, "M", true}, {" xl ", true, "XL", true}, {"", true, "", false},
		{"XXL", true, "", false}, {"m; DROP", true, "", false},
		{"", false, "", true}, {"M", false, "", false},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in, tt.sized)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseSize(%q, %v) = %q, %v", tt.in, tt.sized, got, err)
		}
	}
}

func TestParseAmountAndPercent(t *testing.T) {
	amounts := map[string]int64{"50": 5000, "50.00": 5000, "0.5": 50, "12.34": 1234, " 7 ": 700}
	for in, want := range amounts {
		if got, err := ParseAmount(in, "usd"); err != nil || got != want {
			t.Errorf("ParseAmount(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-1", "1.234", "1.", ".5", "1,00", "abc", "1e3"} {
		if _, err := ParseAmount(bad, "usd"); err == nil {
			t.Errorf("ParseAmount(%q) accepted", bad)
		}
	}
	percents := map[string]int64{"10": 1000, "7.5": 750, "0": 0, "100": 10000, "0.25": 25}
	for in, want := range percents {
		if got, err := ParsePercent(in); err != nil || got != want {
			t.Errorf("ParsePercent(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "-5", "101", "100.5", "10%", "7.125"} {
		if _, err := ParsePercent(bad); err == nil {
			t.Errorf("ParsePercent(%q) accepted", bad)
		}
	}
}
