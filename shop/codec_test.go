package shop

import (
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
)

func TestSessionCodecRoundTrips(t *testing.T) {
	deadline := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	in := map[string]interface{}{"bag_id": "abc", "user_id": int64(42), "__rememberMe": true, "flash": ""}
	b, err := sessionCodec{}.Encode(deadline, in)
	if err != nil {
		t.Fatal(err)
	}
	d, out, err := sessionCodec{}.Decode(b)
	if err != nil || !d.Equal(deadline) || len(out) != len(in) {
		t.Fatalf("%v %v %v", d, out, err)
	}
	for k, v := range in {
		if out[k] != v {
			t.Errorf("%s: %#v, want %#v", k, out[k], v)
		}
	}
	// Sessions written by scs's gob codec still read.
	old, _ := scs.GobCodec{}.Encode(deadline, map[string]interface{}{"bag_id": "xyz"})
	if _, vals, err := (sessionCodec{}).Decode(old); err != nil || vals["bag_id"] != "xyz" {
		t.Fatalf("gob session: %v %v", vals, err)
	}
	if _, err := (sessionCodec{}).Encode(deadline, map[string]interface{}{"x": 1.5}); err == nil {
		t.Fatal("a float was taken")
	}
}
