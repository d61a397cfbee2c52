package shop

import (
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"boutique/countries"
	"boutique/orders"
	"boutique/views"
)

// orderField is one field of the order form and its rules.
type orderField struct {
	name, label, kind, autocomplete string
	required                        bool
	maxLen                          int
}

// orderFields are the order form's fields, in the order the page shows
// them; the names are the contract's.
var orderFields = []orderField{
	{"full_name", "Full name", "text", "name", true, 50},
	{"email", "Email address", "email", "email", true, 254},
	{"phone_number", "Phone number", "tel", "tel", true, 20},
	{"street_address1", "Street address 1", "text", "address-line1", true, 80},
	{"street_address2", "Street address 2", "text", "address-line2", false, 80},
	{"town_or_city", "Town or city", "text", "address-level2", true, 40},
	{"county", "County, state or locality", "text", "address-level1", false, 80},
	{"postcode", "Postal code", "text", "postal-code", false, 20},
	{"country", "Country", "select", "country", true, 2},
}

func fieldSpec(name string) (orderField, bool) {
	for _, f := range orderFields {
		if f.name == name {
			return f, true
		}
	}
	return orderField{}, false
}

// check tidies a value typed into a field and says what is wrong with
// it, "" when nothing is.
func (f orderField) check(raw string) (string, string) {
	v := strings.TrimSpace(raw)
	switch {
	case v == "" && f.required:
		return v, f.label + " is required."
	case v == "":
		return v, ""
	case !utf8.ValidString(v) || strings.ContainsAny(v, "\x00\r\n"):
		return v, f.label + " has characters we can't use."
	case utf8.RuneCountInString(v) > f.maxLen:
		return v, f.label + " is too long (at most " + strconv.Itoa(f.maxLen) + " characters)."
	}
	switch f.name {
	case "email":
		if msg := checkEmail(v); msg != "" {
			return v, msg
		}
	case "country":
		if countries.Name(v) == "" {
			return v, "Choose a country from the list."
		}
	case "phone_number":
		if strings.Trim(v, "0123456789+-() .") != "" {
			return v, "A phone number has only digits, spaces and + - ( )."
		}
	}
	return v, ""
}

// orderForm is the order form as posted: each field's tidied value and
// error.
type orderForm struct {
	values map[string]string
	errors map[string]string
}

func readOrderForm(r *http.Request) orderForm {
	f := orderForm{values: map[string]string{}, errors: map[string]string{}}
	for _, spec := range orderFields {
		v, msg := spec.check(r.PostFormValue(spec.name))
		f.values[spec.name] = v
		if msg != "" {
			f.errors[spec.name] = msg
		}
	}
	return f
}

func (f orderForm) valid() bool { return len(f.errors) == 0 }

// formFromDetails is the order form holding details the shopper gave
// before (to Stripe, on a page they have left), unchecked.
func formFromDetails(d orders.Details) *orderForm {
	return &orderForm{errors: map[string]string{}, values: map[string]string{
		"full_name": d.FullName, "email": d.Email, "phone_number": d.Phone,
		"street_address1": d.Street1, "street_address2": d.Street2, "town_or_city": d.Town,
		"county": d.County, "postcode": d.Postcode, "country": d.Country,
	}}
}

// details is the form as an order's contact and delivery details.
func (f orderForm) details() orders.Details {
	v := f.values
	return orders.Details{
		FullName: v["full_name"], Email: v["email"], Phone: v["phone_number"],
		Street1: v["street_address1"], Street2: v["street_address2"], Town: v["town_or_city"],
		County: v["county"], Postcode: v["postcode"], Country: v["country"],
	}
}

// viewFields draws the order form's fields with what was typed and what is
// wrong, each checked on blur; a nil form draws them empty.
func viewFields(f *orderForm) []views.Field {
	out := make([]views.Field, len(orderFields))
	for i, spec := range orderFields {
		out[i] = spec.view("", "")
		if f != nil {
			out[i] = spec.view(f.values[spec.name], f.errors[spec.name])
		}
		out[i].ValidateURL = views.ValidateFieldURL
	}
	return out
}

func (f orderField) view(value, msg string) views.Field {
	v := views.Field{
		Name: f.name, Label: f.label, Type: f.kind, Value: value, Error: msg,
		Autocomplete: f.autocomplete, Required: f.required, MaxLength: f.maxLen,
	}
	if f.kind == "select" {
		v.Placeholder = "Choose a country"
		for _, c := range countries.All() {
			v.Options = append(v.Options, views.Option{Value: c.Code, Label: c.Name})
		}
	}
	return v
}

// validateField is POST /checkout/validate/: htmx sends the whole form when
// a field loses focus, naming the field in HX-Trigger-Name; the answer is
// that field again, with its error or none.
func (app *App) validateField(w http.ResponseWriter, r *http.Request) {
	spec, ok := fieldSpec(r.Header.Get("HX-Trigger-Name"))
	if !ok {
		http.Error(w, "unknown field", http.StatusBadRequest)
		return
	}
	v, msg := spec.check(r.PostFormValue(spec.name))
	field := spec.view(v, msg)
	field.ValidateURL = views.ValidateFieldURL
	app.render(w, r, http.StatusOK, views.FormField(field))
}
