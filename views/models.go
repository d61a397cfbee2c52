// Package views holds the shop's templ components. Handlers in shop/ fill
// the plain structs below and render a page; nothing here touches the
// database or the network.
package views

import (
	"fmt"
	"net/url"
	"strings"

	"boutique/cart"
)

// Chrome is what every page's layout needs: the title, the navigation and
// search, the bag badge and any messages for the toast area.
type Chrome struct {
	Title      string
	Categories []Category
	Query      string // the search box's value
	Active     string // the category name being browsed, for aria-current
	Bag        Bag    // for the header badge
	Messages   []Message
	CSRFToken  string // nosurf's masked token, for forms and htmx headers
	User       string // the signed-in username, "" for a guest
	IsStaff    bool
	// FreeDelivery is the bag total from which delivery is free, for the
	// banner; "" when delivery is never free.
	FreeDelivery string
	// Checkout pages get the stripped header.
	Checkout bool
}

// FooterPages are the shop's own pages, by slug, as the footer links them.
var FooterPages = []Link{{Href: "about", Text: "About us"}, {Href: "delivery", Text: "Delivery & returns"},
	{Href: "privacy", Text: "Privacy"}, {Href: "terms", Text: "Terms"}, {Href: "contact", Text: "Contact"}}

// A Message is a toast: Level is info, success, warning or error.
type Message struct {
	Level string
	Text  string
}

// A Category as the navigation and the home page show it.
type Category struct {
	Name         string // the slug used in ?category=
	FriendlyName string
	ProductCount int64
	Sized        bool // holds clothing in sizes
}

// A Product as cards and the detail page show it.
type Product struct {
	ID           int64
	SKU          string
	Name         string
	Description  string
	Price        string // formatted
	PriceCents   int64
	Rating       int64 // tenths of a star from buyers' reviews; -1 when none
	Reviews      int64 // how many reviews the rating is of
	HasSizes     bool
	ImageURL     string
	Pictures     []Picture // all of them, the main one first
	Category     string    // slug, "" when none
	CategoryName string
	// Stock is what is left of each tracked size ("" for a product
	// without sizes); a size not in it is not tracked. LowStock is the
	// count at or below which the page says how many are left.
	Stock    map[string]int64
	LowStock int64
}

// Left is what is left of a size, and whether its stock is tracked.
func (p Product) Left(size string) (int64, bool) {
	n, ok := p.Stock[size]
	return n, ok
}

// SoldOut says whether nothing of the product can be added: every size
// it comes in is tracked and none is left.
func (p Product) SoldOut() bool {
	for _, s := range cart.SizesOf(p.HasSizes) {
		if n, ok := p.Left(s); !ok || n > 0 {
			return false
		}
	}
	return true
}

// SizeLabel is a size as its option says it: with "sold out", or how many
// are left when they are few.
func (p Product) SizeLabel(size string) string {
	n, ok := p.Left(size)
	switch {
	case !ok || n > p.LowStock:
		return size
	case n == 0:
		return size + " — sold out"
	}
	return fmt.Sprintf("%s — only %d left", size, n)
}

// StockNote is what the page says of an unsized product's stock: "" when
// it is not tracked or there are plenty.
func (p Product) StockNote() string {
	n, ok := p.Left("")
	switch {
	case p.HasSizes || !ok || n > p.LowStock:
		return ""
	case n == 0:
		return "Sold out"
	}
	return fmt.Sprintf("Only %d left", n)
}

// A Picture of a product.
type Picture struct {
	ID  int64
	URL string
}

// Srcset offers a picture's smaller copies beside it.
func Srcset(url string) string {
	return url + "?w=200 200w, " + url + "?w=400 400w, " + url + " 800w"
}

// ProductList is the /products/ page.
type ProductList struct {
	Products   []Product
	Query      string
	Searched   bool       // a q was given (even empty)
	Categories []Category // the categories filtered on, as badges
	Sort       string     // the sort in effect, "" for catalog order
	Direction  string     // asc or desc
	Total      int        // products found, on every page
	Page       int        // from 1
	Pages      int
}

// PageURL is this list's page n, with its search, categories and order.
func (l ProductList) PageURL(n int) string {
	v := url.Values{}
	if l.Query != "" {
		v.Set("q", l.Query)
	}
	if len(l.Categories) > 0 {
		v.Set("category", categoryNames(l.Categories))
	}
	if l.Sort != "" {
		v.Set("sort", l.Sort)
		v.Set("direction", l.Direction)
	}
	if n > 1 {
		v.Set("page", fmt.Sprint(n))
	}
	if len(v) == 0 {
		return "/products/"
	}
	return "/products/?" + v.Encode()
}

// A SortOption is one choice of the list's order: the contract's sort and
// direction it stands for.
type SortOption struct{ Value, Label, Sort, Direction string }

// SortOptions are the choices of the one sort select, in its order; its
// value travels as order_by.
var SortOptions = []SortOption{
	{"featured", "Featured", "", "asc"},
	{"price_asc", "Price: low to high", "price", "asc"},
	{"price_desc", "Price: high to low", "price", "desc"},
	{"top_rated", "Top rated", "rating", "desc"},
	{"newest", "Newest", "newest", "desc"},
	{"name_asc", "Name: A to Z", "name", "asc"},
}

// OrderBy is the option that a sort and direction make, "" for a pair no
// option offers (sort=category, say, from an old link).
func OrderBy(sort, direction string) string {
	for _, o := range SortOptions {
		if o.Sort == sort && (o.Direction == direction || sort == "") {
			return o.Value
		}
	}
	return ""
}

// ProductURL is a product's detail page.
func ProductURL(id int64) string { return fmt.Sprintf("/products/%d/", id) }

// CategoryURL lists the products of one or more categories.
func CategoryURL(names ...string) string {
	return "/products/?" + url.Values{"category": {strings.Join(names, ",")}}.Encode()
}

// Stars renders a rating in tenths as "4.4 / 5".
func Stars(tenths int64) string {
	if tenths < 0 {
		return "No reviews yet"
	}
	return fmt.Sprintf("%d.%d / 5", tenths/10, tenths%10)
}

// ReviewCount says how many reviews a rating is of: "(1 review)".
func ReviewCount(n int64) string {
	if n == 1 {
		return "(1 review)"
	}
	return fmt.Sprintf("(%d reviews)", n)
}

// Reviews are a product page's reviews and what its visitor may do.
type Reviews struct {
	List []Review
	// CanWrite: a signed-in buyer who has not reviewed it yet. Why is
	// the reason a visitor cannot, "" when they can or need not know.
	CanWrite bool
	Why      string
	Staff    bool // may hide and show reviews
	Form     ReviewForm
}

// A Review as a product page shows it.
type Review struct {
	ID       int64
	Stars    int64
	Body     string
	Username string
	Date     string
	Hidden   bool
}

// ReviewForm is the form a buyer writes a review in, as typed.
type ReviewForm struct {
	Stars  string
	Body   string
	Errors map[string]string
}

// SizedCategories and UnsizedCategories split the catalog into clothing
// and homeware, for the home page's two departments.
func SizedCategories(cs []Category) []string {
	var names []string
	for _, c := range cs {
		if c.Sized {
			names = append(names, c.Name)
		}
	}
	return names
}

func UnsizedCategories(cs []Category) []string {
	var names []string
	for _, c := range cs {
		if !c.Sized {
			names = append(names, c.Name)
		}
	}
	return names
}

func productsFound(n int) string {
	if n == 1 {
		return "1 product found"
	}
	return fmt.Sprintf("%d products found", n)
}

// AddURL is where a product is added to the bag.
func AddURL(id int64) string { return fmt.Sprintf("/bag/add/%d/", id) }

func categoryNames(cs []Category) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	return strings.Join(names, ",")
}

// A Bag as the bag page, the badge and the mini bag show it, with every
// amount formatted.
type Bag struct {
	Lines      []BagLine
	Count      int64 // items, counting quantities
	Total      string
	Delivery   string
	GrandTotal string
	// Nudge is how much more would make delivery free, "" when it is free
	// or the bag is empty.
	Nudge string
	// DiscountCode is the code the shopper entered ("" for none),
	// Discount what it takes off ("" for nothing) and DiscountNote why it
	// takes nothing off, when it does not.
	DiscountCode, Discount, DiscountNote string
}

// Empty says whether the bag has no lines.
func (b Bag) Empty() bool { return len(b.Lines) == 0 }

// A BagLine is one product in one size.
type BagLine struct {
	ProductID int64
	Size      string // "" for products without sizes
	Quantity  int64
	Name      string
	SKU       string
	ImageURL  string
	UnitPrice string
	Subtotal  string
	// Unavailable is a product taken out of the shop since it was added:
	// not counted, and not for sale.
	Unavailable bool
}

// ID is the line's stable element id.
func (l BagLine) ID() string {
	size := l.Size
	if size == "" {
		size = "none"
	}
	return fmt.Sprintf("bag-line-%d-%s", l.ProductID, size)
}

// AddForm is what the shopper last typed into a product's add form, kept
// when it comes back with an error.
type AddForm struct {
	Size     string
	Quantity string
}

// BagURL, AdjustURL and RemoveURL are the bag's page and its actions.
const BagURL = "/bag/"

func AdjustURL(id int64) string { return fmt.Sprintf("/bag/adjust/%d/", id) }
func RemoveURL(id int64) string { return fmt.Sprintf("/bag/remove/%d/", id) }

// A Field of the order form, as drawn and as last typed.
type Field struct {
	Name         string
	Label        string
	Type         string // text, email, tel, or select
	Value        string
	Error        string
	Autocomplete string
	Required     bool
	MaxLength    int
	Options      []Option // for a select
	Placeholder  string   // a select's empty first choice, when it has one
	// ValidateURL, when set, checks the field as the shopper leaves it,
	// through htmx.
	ValidateURL string
}

// ID is the field's element id.
func (f Field) ID() string { return "id_" + f.Name }

// An Option of a select.
type Option struct{ Value, Label string }

// Checkout is the /checkout/ page.
type Checkout struct {
	Bag    Bag
	Fields []Field
	// Payments says whether Stripe keys are set; without them the page
	// says which to set and shows no card field.
	Payments     bool
	ClientSecret string
	// BagVersion is the version of the bag the page shows, which the
	// browser sends back before paying.
	BagVersion      int64
	StripePublicKey string
	// ReturnURL is where a payment method that redirects (a bank's page,
	// a 3-D Secure challenge) sends the shopper back to: the shop's base
	// URL's, or a path the page resolves against its own address.
	ReturnURL   string
	StripeJSURL string
	SignedIn    bool
	SaveInfo    bool
}

// FieldByName finds a field of the order form.
func (c Checkout) FieldByName(name string) Field {
	for _, f := range c.Fields {
		if f.Name == name {
			return f
		}
	}
	return Field{Name: name}
}

// Order is an order as its confirmation shows it.
type Order struct {
	// SoldOut is an order paid for after its stock was gone: refunded in
	// full, nothing to send.
	SoldOut bool
	Number  string
	Date    string
	// DiscountCode and Discount ("" for none) are the code the order was
	// paid with and what it took off.
	DiscountCode, Discount string
	Lines                  []OrderLine
	FullName               string
	Email                  string
	Phone                  string
	Street1                string
	Street2                string
	Town                   string
	County                 string
	Postcode               string
	Country                string
	Total                  string
	Delivery               string
	GrandTotal             string
	// Status and Progress are what a shopper is told of the order's
	// fate: its status now, and each step with its time (a shipment
	// with the owner's tracking note).
	Status   string
	Progress []OrderStep
}

// An OrderStep is one step of an order's progress.
type OrderStep struct{ What, At, Note string }

// An OrderLine as ordered.
type OrderLine struct {
	Name      string
	Size      string
	Quantity  int64
	UnitPrice string
	Subtotal  string
}

// Checkout routes.
const (
	CacheCheckoutDataURL = "/checkout/cache_checkout_data/"
	ValidateFieldURL     = "/checkout/validate/"
)

// SuccessURL is an order's confirmation page.
func SuccessURL(number string) string { return "/checkout/checkout_success/" + number + "/" }

// AccountForm is one of the account pages: sign up, log in, the password
// forms.
type AccountForm struct {
	Title  string
	Intro  string
	Action string
	Fields []Field
	Hidden []Option // name/value pairs
	Submit string
	Links  []Link
}

// A Link under a form.
type Link struct{ Href, Text string }

// Profile is the profile page: default delivery information and orders.
type Profile struct {
	Username string
	Email    string
	Fields   []Field
	Orders   []OrderSummary
}

// OrderSummary is a line of the order history.
type OrderSummary struct {
	Number     string
	Short      string
	Date       string
	Items      int64
	GrandTotal string
	Status     string
}
