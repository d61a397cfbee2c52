package cart

import (
	"math"
	"slices"
	"testing"
)

func TestBagEncodingRoundTrips(t *testing.T) {
	lines := []Line{{12, "M", 2, 2400}, {12, "XL", 99, 2400}, {26, "", 1, 1600}}
	s := EncodeBag(lines)
	if s != `[[12,"M",2,2400],[12,"XL",99,2400],[26,"",1,1600]]` {
		t.Fatalf("EncodeBag = %s", s)
	}
	got, err := DecodeBag(s)
	if err != nil || !slices.Equal(got, lines) {
		t.Fatalf("DecodeBag = %v, %v", got, err)
	}
	if got, err := DecodeBag(EncodeBag(nil)); err != nil || len(got) != 0 {
		t.Fatalf("empty bag: %v, %v", got, err)
	}
}

func TestDecodeBagRefusesWhatNoBagHolds(t *testing.T) {
	for _, bad := range []string{
		``, `{}`, `[[1,"M",1]]`, `[[0,"M",1,100]]`, `[[1,"XXL",1,100]]`, `[[1,"",0,100]]`,
		`[[1,"",100,100]]`, `[[1,"",1,-5]]`, `[[1,"",6148914691236517792,100]]`, `[[1,"",1,100000000001]]`, `[[1.5,"",1,100]]`, `[["1","",1,100]]`, `[[1,2,1,100]]`,
	} {
		if _, err := DecodeBag(bad); err == nil {
			t.Errorf("DecodeBag(%q) accepted", bad)
		}
	}
}

// Whatever a payment's metadata holds, a bag decoded from it prices
// without wrapping: no total is negative, delivery only adds, and what
// decodes encodes back to the same lines.
func FuzzDecodeBag(f *testing.F) {
	for _, seed := range []string{`[[12,"M",2,2400],[26,"",1,1600]]`, `[]`, `[[1,"",99,100000000000]]`,
		`[[1,"",6148914691236517792,3]]`, `[[1,"XL",1,9223372036854775807]]`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lines, err := DecodeBag(s)
		if err != nil {
			return
		}
		for _, r := range []Rules{DefaultRules, {FreeDeliveryThreshold: MaxUnitPrice, DeliveryBasisPoints: 10000}} {
			tot := r.Price(lines)
			if tot.Total < 0 || tot.Delivery < 0 || tot.GrandTotal < tot.Total || tot.Count < 0 {
				t.Fatalf("%s priced %+v", s, tot)
			}
		}
		again, err := DecodeBag(EncodeBag(lines))
		if err != nil || !slices.Equal(again, lines) {
			t.Fatalf("%s: re-encoded to %v, %v", s, again, err)
		}
	})
}

// Prices and quantities far past the limits stop at a cap rather than
// wrap to a total that could match a payment.
func TestPricingNeverWraps(t *testing.T) {
	// 6148914691236517792 × 3 wraps to 1760 in int64.
	for _, lines := range [][]Line{{{1, "", 6148914691236517792, 3}}, {{2, "", 99, math.MaxInt64}}, {{1, "", 99, maxAmount}, {2, "", 99, maxAmount}}} {
		if tot := DefaultRules.Price(lines); tot.Total != maxAmount || tot.GrandTotal != maxAmount {
			t.Errorf("%v priced %+v, want the cap", lines, tot)
		}
	}
}
