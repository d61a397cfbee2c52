// Package countries lists the ISO 3166-1 countries by their English names,
// for the order form's country select. The codes and names come from the
// CLDR data in golang.org/x/text.
package countries

import (
	"sort"
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// A Country is an ISO 3166-1 alpha-2 code and its English name.
type Country struct {
	Code string
	Name string
}

// notISO are codes CLDR names as countries that ISO 3166-1 does not assign:
// its exceptional reservations, and user-assigned or grouping codes.
var notISO = map[string]bool{
	"AC": true, "CP": true, "DG": true, "EA": true, "IC": true, "TA": true,
	"EZ": true, "UN": true, "XK": true,
}

var (
	once   sync.Once
	list   []Country
	byCode map[string]string
)

func load() {
	namer := display.English.Regions()
	byCode = map[string]string{}
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			r, err := language.ParseRegion(code)
			// Countries only, under their current code: not groupings,
			// private use (XA..) or withdrawn codes (BU for Myanmar).
			if err != nil || !r.IsCountry() || r.Canonicalize().String() != code || notISO[code] {
				continue
			}
			name := namer.Name(r)
			if name == "" || name == code {
				continue
			}
			byCode[code] = name
			list = append(list, Country{Code: code, Name: name})
		}
	}
	c := collate.New(language.English)
	sort.Slice(list, func(i, j int) bool { return c.CompareString(list[i].Name, list[j].Name) < 0 })
}

// All is every country, ordered by name.
func All() []Country {
	once.Do(load)
	return list
}

// Name is the English name of a country code, "" when it is none.
func Name(code string) string {
	once.Do(load)
	return byCode[code]
}
