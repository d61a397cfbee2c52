package payments

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// Stripe's metadata limits.
const (
	MaxMetadataKeys  = 50
	MaxMetadataValue = 500
)

// PutSplit stores value in metadata under key, key_1, key_2... in pieces of
// at most MaxMetadataValue characters, and the number of pieces under
// key_parts. Pieces a longer value stored before (prevParts of them) that
// this one does not need are set to "", which deletes them at Stripe. It
// returns how many pieces value took.
func PutSplit(meta map[string]string, key, value string, prevParts int) int {
	parts := 0
	for rest := value; rest != "" || parts == 0; parts++ {
		cut := min(len(rest), MaxMetadataValue)
		for cut < len(rest) && !utf8.RuneStart(rest[cut]) {
			cut--
		}
		meta[partKey(key, parts)] = rest[:cut]
		rest = rest[cut:]
	}
	for i := parts; i < prevParts; i++ {
		meta[partKey(key, i)] = ""
	}
	meta[key+"_parts"] = strconv.Itoa(parts)
	return parts
}

// GetSplit joins what PutSplit stored under key. Metadata without the
// _parts count is read as a single value under key.
func GetSplit(meta map[string]string, key string) (string, error) {
	n := 1
	if s, ok := meta[key+"_parts"]; ok {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 || n > MaxMetadataKeys {
			return "", fmt.Errorf("metadata %s_parts is %q", key, s)
		}
	}
	value := ""
	for i := range n {
		part, ok := meta[partKey(key, i)]
		if !ok {
			return "", fmt.Errorf("metadata %s has %d parts but %s is missing", key, n, partKey(key, i))
		}
		value += part
	}
	return value, nil
}

func partKey(key string, i int) string {
	if i == 0 {
		return key
	}
	return key + "_" + strconv.Itoa(i)
}
