package views

import "github.com/a-h/templ"

// OwnerProductRow is a product in the owner's list.
type OwnerProductRow struct {
	ID       int64
	SKU      string
	Name     string
	Price    string
	Category string
	Archived bool
	ImageURL string
}

// ProductForm is the add and edit form of a product.
type ProductForm struct {
	ID          int64 // 0 for a new product
	CategoryID  string
	Categories  []Option
	SKU         string
	Name        string
	Description string
	HasSizes    bool
	Price       string // "12.34"
	ImageURL    string // the current picture
	Pictures    []Picture
	Errors      map[string]string
}

// OwnerCategory is a category in the owner's list.
type OwnerCategory struct {
	ID           int64
	Name         string
	FriendlyName string
}

// OwnerOrderRow is an order in the owner's list.
type OwnerOrderRow struct {
	Number     string
	Date       string
	Name       string
	Email      string
	GrandTotal string
	Status     string
	Flagged    bool
}

// OwnerProductList is a page of the owner's products.
type OwnerProductList struct {
	Rows        []OwnerProductRow
	Page, Pages int
	Total       int64
}

// OwnerOrders is the owner's order list.
type OwnerOrders struct {
	Rows     []OwnerOrderRow
	Status   string
	Search   string
	Page     int
	Pages    int
	Total    int64
	Statuses []string
}

// OwnerOrder is the owner's page of one order.
type OwnerOrder struct {
	Order     Order
	Status    string
	Review    string
	PID       string
	StripeURL string
	Account   string
	Paid      string
	History   []HistoryRow
	// Refunded is what Stripe has given back in all ("" for nothing).
	Refunded string
	Refunds  []RefundRow
	// Refund is the form for another refund; nil when nothing is left.
	Refund *RefundForm
}

// RefundRow is one refund of an order.
type RefundRow struct{ At, Amount, Status, Reason, By, Failure string }

// RefundForm refunds lines by quantity, and delivery, of an order. Key
// is the form's own: posting it twice makes one refund.
type RefundForm struct {
	Key          string
	Lines        []RefundLine
	DeliveryLeft string // "" when none is left to refund
	Left         string // of the payment, in all
}

// RefundLine is a line of an order with what is left to refund of it.
type RefundLine struct {
	ID         int64
	Name, Size string
	Left       int64
	UnitPrice  string
}

// HistoryRow is one change of an order's status.
type HistoryRow struct{ Status, Note, By, At string }

// Dashboard is the owner's front page.
type Dashboard struct {
	Days        []DayBar
	MaxRevenue  string
	Orders30    int64
	Revenue30   string
	BestSellers []BestSeller
	Counts      []StatusCount
	// ToShip are paid orders not yet shipped, oldest first.
	ToShip []OwnerOrderRow
	// LowStock are tracked sizes at or below the shop's low level.
	LowStock []LowStockRow
}

// LowStockRow is a tracked size that is running out.
type LowStockRow struct {
	ProductID  int64
	Name, Size string
	OnHand     int64
}

// StockPage is a product's stock: each size's count (Value, as typed; ""
// for not tracked), what checkouts hold, and the history of changes.
type StockPage struct {
	// Page and Pages page the history, newest first.
	Page, Pages int
	ProductID   int64
	Name        string
	Sizes       []StockSize
	History     []StockChange
	Error       string
}

// StockSize is one size's row of the stock form ("" for a product
// without sizes).
type StockSize struct {
	Size, Value, Error string
	Held               int64
}

// StockChange is one change to a size's stock.
type StockChange struct {
	At, Size, Change, OnHand, Reason, By string
}

// DayBar is one day of the chart, laid out in SVG units.
type DayBar struct {
	X, Y, W, H float64
	Label      string // the day, shown under some bars
	Title      string // "27 Nov: 3 orders, $120.00"
	Orders     int64
}

// BestSeller is a product by units sold.
type BestSeller struct {
	Name    string
	Units   int64
	Revenue string
}

// StatusCount is how many orders have a status.
type StatusCount struct {
	Status string
	Orders int64
}

// PaymentsHealth shows what went wrong with payments.
type PaymentsHealth struct {
	// Awaited are payments processing (direct debits) with no order yet.
	Awaited     []AwaitedRow
	Failures    []FailureRow
	Flagged     []FlagRow
	LastWebhook string
	Warning     string
}

// AwaitedRow is a payment that settles later, not yet settled.
type AwaitedRow struct{ PID, Amount, Since string }

// FailureRow is a failed payment attempt.
type FailureRow struct{ PID, Reason, Code, Amount, At string }

// FlagRow is an order flagged for review.
type FlagRow struct{ Number, At, Reason, Paid string }

// currentPage marks the owner tab of the page shown, for the CSS and for
// screen readers: aria-current="page", or nothing.
func currentPage(current bool) templ.Attributes {
	if current {
		return templ.Attributes{"aria-current": "page"}
	}
	return templ.Attributes{}
}

// OwnerPageRow is one of the shop's pages in the owner's list.
type OwnerPageRow struct{ Slug, Title, Updated string }

// PageForm is the owner's form for one of the shop's pages.
type PageForm struct {
	Slug, Title, Body string
	Tokens            string // what the page's placeholders show
	Errors            map[string]string
}

// DiscountsPage is the owner's discount codes and the form for a new one,
// as typed, with its errors.
type DiscountsPage struct {
	// Page and Pages page the codes, newest first.
	Page, Pages int
	Codes       []DiscountRow
	Form        map[string]string
	Errors      map[string]string
	Error       string
}

// DiscountRow is one code as the owner's list shows it.
type DiscountRow struct {
	ID                                 int64
	Code, Off, Conditions, Used, Dates string
	Live                               bool
}
