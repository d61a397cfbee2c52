package store

import (
	"database/sql"
	"time"
)

// timeLayout is how the shop's TEXT time columns hold a time: UTC, to the
// millisecond, so that they sort as text.
const timeLayout = "2006-01-02T15:04:05.000Z"

// Time writes a time as the time columns hold it.
func Time(t time.Time) string { return t.UTC().Format(timeLayout) }

// ParseTime reads a time column.
func ParseTime(s string) (time.Time, error) { return time.Parse(timeLayout, s) }

// Nullable stores an empty string as NULL.
func Nullable(s string) sql.NullString {
	return sql.NullString{String: s, Valid: s != ""}
}
