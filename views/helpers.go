package views

import "fmt"

func bagLabel(total string, count int) string {
	switch count {
	case 0:
		return "Your bag is empty"
	case 1:
		return fmt.Sprintf("Your bag: 1 item, %s", total)
	}
	return fmt.Sprintf("Your bag: %d items, %s", count, total)
}

func toastRole(level string) string {
	if level == "error" || level == "warning" {
		return "alert"
	}
	return "status"
}
