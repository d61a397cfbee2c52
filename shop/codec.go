package shop

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/alexedwards/scs/v2"
)

// sessionCodec stores session data as small JSON instead of scs's default
// gob, which rebuilds its type information for every session read. The
// shop keeps strings, int64s and bools in sessions; each value carries its
// type so that GetInt64 and GetBool find what they expect. Data written by
// the gob codec is still read.
type sessionCodec struct{}

// jsonSessionMark starts every session this codec writes; gob data never
// starts with it.
const jsonSessionMark = '{'

type storedSession struct {
	Deadline time.Time                  `json:"d"`
	Values   map[string]json.RawMessage `json:"v"`
}

type typedValue struct {
	S *string `json:"s,omitempty"`
	I *int64  `json:"i,omitempty"`
	B *bool   `json:"b,omitempty"`
}

func (sessionCodec) Encode(deadline time.Time, values map[string]interface{}) ([]byte, error) {
	out := storedSession{Deadline: deadline, Values: make(map[string]json.RawMessage, len(values))}
	for k, v := range values {
		var tv typedValue
		switch x := v.(type) {
		case string:
			tv.S = &x
		case int64:
			tv.I = &x
		case int:
			i := int64(x)
			tv.I = &i
		case bool:
			tv.B = &x
		default:
			return nil, fmt.Errorf("session value %q is a %T; the session codec keeps strings, integers and booleans", k, v)
		}
		b, err := json.Marshal(tv)
		if err != nil {
			return nil, err
		}
		out.Values[k] = b
	}
	return json.Marshal(out)
}

func (sessionCodec) Decode(b []byte) (time.Time, map[string]interface{}, error) {
	if len(b) == 0 || b[0] != jsonSessionMark {
		return scs.GobCodec{}.Decode(b)
	}
	var in storedSession
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&in); err != nil {
		return time.Time{}, nil, err
	}
	values := make(map[string]interface{}, len(in.Values))
	for k, raw := range in.Values {
		var tv typedValue
		if err := json.Unmarshal(raw, &tv); err != nil {
			return time.Time{}, nil, err
		}
		switch {
		case tv.S != nil:
			values[k] = *tv.S
		case tv.I != nil:
			values[k] = *tv.I
		case tv.B != nil:
			values[k] = *tv.B
		}
	}
	return in.Deadline, values, nil
}
