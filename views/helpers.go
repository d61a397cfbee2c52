package views

import (
	"encoding/json"
	"strconv"
	"strings"
)

// itemWord follows a count of items for a screen reader: " items".
func itemWord(n int64) string {
	if n == 1 {
		return " item"
	}
	return " items"
}

func toastRole(level string) string {
	if level == "error" || level == "warning" {
		return "alert"
	}
	return "status"
}

// csrfHeaders is the hx-headers value that sends the CSRF token with every
// htmx request.
func csrfHeaders(token string) string {
	b, _ := json.Marshal(map[string]string{"X-CSRF-Token": token})
	return string(b)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func quantityValue(typed string) string {
	if typed == "" {
		return "1"
	}
	return typed
}

// starRow draws a rating of whole stars: ★★★★☆.
func starRow(n int64) string {
	n = min(max(n, 0), 5)
	return strings.Repeat("★", int(n)) + strings.Repeat("☆", int(5-n))
}
