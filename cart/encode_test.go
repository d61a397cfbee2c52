package cart

import (
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
		`[[1,"",100,100]]`, `[[1,"",1,-5]]`, `[[1.5,"",1,100]]`, `[["1","",1,100]]`, `[[1,2,1,100]]`,
	} {
		if _, err := DecodeBag(bad); err == nil {
			t.Errorf("DecodeBag(%q) accepted", bad)
		}
	}
}
