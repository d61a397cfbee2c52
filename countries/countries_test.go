package countries

import "testing"

func TestCountries(t *testing.T) {
	all := All()
	if len(all) < 240 || len(all) > 260 {
		t.Fatalf("%d countries, want the ISO 3166-1 list (about 249)", len(all))
	}
	for code, want := range map[string]string{"US": "United States", "GB": "United Kingdom", "IE": "Ireland", "DE": "Germany", "JP": "Japan"} {
		if got := Name(code); got != want {
			t.Errorf("Name(%q) = %q, want %q", code, got, want)
		}
	}
	for _, notACountry := range []string{"", "EU", "UN", "XA", "ZZ", "us", "USA"} {
		if Name(notACountry) != "" {
			t.Errorf("%q is taken for a country", notACountry)
		}
	}
	if all[0].Name > all[len(all)-1].Name {
		t.Error("not in order of name")
	}
}
