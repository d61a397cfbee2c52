package demo_test

import (
	"context"
	"encoding/xml"
	"regexp"
	"testing"

	"boutique/demo"
	"boutique/store/storetest"
)

func TestCatalogShape(t *testing.T) {
	var products, sized, unsized int
	names := map[string]bool{}
	for _, c := range demo.Catalog {
		for _, p := range c.Products {
			products++
			if c.Sized {
				sized++
			} else {
				unsized++
			}
			if names[p.Name] {
				t.Errorf("product name %q appears twice", p.Name)
			}
			names[p.Name] = true
			if p.Price <= 0 || p.Description == "" {
				t.Errorf("%s: price %d, description %q", p.Name, p.Price, p.Description)
			}
		}
	}
	if len(demo.Catalog) < 6 || products < 40 || sized == 0 || unsized == 0 {
		t.Fatalf("%d categories, %d products (%d sized, %d not); want at least 6 categories, 40 products, both kinds", len(demo.Catalog), products, sized, unsized)
	}
}

func TestPicturesAreWellFormedSVG(t *testing.T) {
	for _, c := range demo.Catalog {
		for _, p := range c.Products {
			svg, err := demo.Picture(p.Name, p.Colour, c.Shape)
			if err != nil {
				t.Fatalf("%s: %v", p.Name, err)
			}
			var doc struct {
				XMLName xml.Name
				Title   string `xml:"title"`
			}
			if err := xml.Unmarshal(svg, &doc); err != nil {
				t.Fatalf("%s: not XML: %v", p.Name, err)
			}
			if doc.XMLName.Local != "svg" || doc.Title != p.Name {
				t.Fatalf("%s: root %q, title %q", p.Name, doc.XMLName.Local, doc.Title)
			}
		}
	}
	if _, err := demo.Picture("x", "blue", 0); err == nil {
		t.Fatal("a colour that is not #rrggbb was accepted")
	}
}

func TestSeedLoadsOnceIntoAnEmptyShop(t *testing.T) {
	ctx := context.Background()
	pool := storetest.Open(t)
	loaded, err := demo.Seed(ctx, pool)
	if err != nil || !loaded {
		t.Fatalf("first Seed = %v, %v; want true, nil", loaded, err)
	}
	count := func(query string) int {
		var n int
		if err := pool.DB().QueryRowContext(ctx, query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	want := 0
	for _, c := range demo.Catalog {
		want += len(c.Products)
	}
	if got := count(`SELECT COUNT(*) FROM products`); got != want {
		t.Fatalf("%d products loaded, want %d", got, want)
	}
	if got := count(`SELECT COUNT(*) FROM products WHERE image_id IS NULL`); got != 0 {
		t.Fatalf("%d products have no picture", got)
	}
	skus := regexp.MustCompile(`^[A-Z]{3}-\d{4}$`)
	rows, err := pool.DB().QueryContext(ctx, `SELECT sku FROM products`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var sku string
		if err := rows.Scan(&sku); err != nil {
			t.Fatal(err)
		}
		if !skus.MatchString(sku) {
			t.Errorf("SKU %q", sku)
		}
	}
	rows.Close()
	// Clothing comes in sizes and homeware does not.
	if got := count(`SELECT COUNT(*) FROM products p JOIN categories c ON c.id = p.category_id
		WHERE (c.name IN ('tops','knitwear','outerwear','trousers')) <> (p.has_sizes = 1)`); got != 0 {
		t.Fatalf("%d products have the wrong has_sizes for their category", got)
	}

	loaded, err = demo.Seed(ctx, pool)
	if err != nil || loaded {
		t.Fatalf("second Seed = %v, %v; want false, nil", loaded, err)
	}
	// An owner who removed the whole demo catalog does not get it back.
	storetest.Exec(t, pool, `DELETE FROM products; DELETE FROM categories`)
	loaded, err = demo.Seed(ctx, pool)
	if err != nil || loaded {
		t.Fatalf("Seed after the owner emptied the catalog = %v, %v; want false, nil", loaded, err)
	}
	if got := count(`SELECT COUNT(*) FROM products`); got != 0 {
		t.Fatalf("%d products came back", got)
	}
}
