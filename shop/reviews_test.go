package shop_test

import (
	"net/http"
	"strings"
	"testing"
)

// Only a buyer may review a product, once; the review shows with the
// rating and the count, on the product's page and its card; the owner
// can hide it, and show it again.
func TestReviewsComeFromBuyers(t *testing.T) {
	s := staffShop(t)
	buyer := s.another()
	pid, secret, tok := buyer.signedInCheckout("ada", false) // product 2
	buyer.post("/checkout/", orderForm(tok, secret), false)
	if s.order(pid).number == "" {
		t.Fatal("setup: no order")
	}
	review := func(who *checkoutShop, stars, body string) response {
		tok := who.csrfToken("/products/2/")
		return who.post("/products/2/review/", form("csrf_token", tok, "stars", stars, "body", body), false)
	}

	stranger := s.another()
	stranger.signUp("grace", "grace@example.com", "correct horse")
	if page := stranger.get("/products/2/").body; strings.Contains(page, `class="review-form"`) || !strings.Contains(page, "Only shoppers who bought this can review it.") {
		t.Fatal("a shopper who did not buy it is offered the review form")
	}
	if res := review(stranger, "1", "Never bought it, hate it"); res.status != http.StatusForbidden {
		t.Fatalf("a non-buyer's review: %d", res.status)
	}
	if guest := s.another(); guest.post("/products/2/review/", form("csrf_token", guest.csrfToken("/products/2/"), "stars", "1"), false).status != http.StatusSeeOther {
		t.Fatal("a guest's review is not sent to log in")
	}

	if page := buyer.get("/products/2/").body; !strings.Contains(page, `class="review-form"`) {
		t.Fatal("the buyer is not offered the review form")
	}
	if res := review(buyer, "6", "x"); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Choose from 1 to 5 stars.") {
		t.Fatalf("six stars: %d", res.status)
	}
	if res := review(buyer, "4", "Holds a lot of tea."); res.status != http.StatusSeeOther {
		t.Fatalf("the buyer's review: %d\n%s", res.status, res.body)
	}
	if res := review(buyer, "1", "Again"); res.status != http.StatusForbidden {
		t.Fatalf("a second review: %d", res.status)
	}
	page := s.another().get("/products/2/").body
	for _, want := range []string{"Holds a lot of tea.", "<strong>ada</strong>", "4.0 / 5", "(1 review)", "★★★★☆"} {
		if !strings.Contains(page, want) {
			t.Errorf("the product page lacks %s", want)
		}
	}
	if list := s.get("/products/").body; !strings.Contains(list, "(1 review)") {
		t.Error("the product's card lacks its review count")
	}
	if s.count(`SELECT COUNT(*) FROM reviews`) != 1 {
		t.Fatal("reviews besides the buyer's one")
	}

	// The owner hides it: gone for shoppers, and the rating with it.
	var id string
	s.pool.QueryRow(`SELECT id FROM reviews`).Scan(&id)
	stok := s.csrfToken("/products/2/")
	if res := s.post("/owner/reviews/"+id+"/visibility/", form("csrf_token", stok, "hidden", "true"), false); res.status != http.StatusSeeOther {
		t.Fatalf("hide: %d", res.status)
	}
	if page := s.another().get("/products/2/").body; strings.Contains(page, "Holds a lot of tea.") || !strings.Contains(page, "No reviews yet") {
		t.Fatal("a hidden review still shows")
	}
	if page := s.get("/products/2/").body; !strings.Contains(page, "Holds a lot of tea.") || !strings.Contains(page, ">Show</button>") {
		t.Fatal("staff do not see the hidden review to show it again")
	}
	if res := buyer.post("/owner/reviews/"+id+"/visibility/", form("csrf_token", buyer.csrfToken("/"), "hidden", "false"), false); res.status != http.StatusForbidden {
		t.Fatalf("a shopper showing a review: %d", res.status)
	}
	s.post("/owner/reviews/"+id+"/visibility/", form("csrf_token", stok, "hidden", "false"), false)
	if page := s.another().get("/products/2/").body; !strings.Contains(page, "Holds a lot of tea.") || !strings.Contains(page, "4.0 / 5") {
		t.Fatal("a review shown again does not show")
	}
}
