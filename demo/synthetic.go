package demo

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"

	"boutique/store"
)

var (
	synthAdjectives = []string{"Linen", "Harbour", "Field", "Cedar", "Storm", "Chalk", "Ember", "Sage", "Indigo", "Tide", "Moss", "Amber"}
	synthColours    = []string{"#1f3a5f", "#6b7b3a", "#a4502a", "#2f4f3e", "#8a7f9a", "#c8b089", "#2d6e8e", "#b76e3c", "#9fc1b8", "#e3a82b"}
)

// AddSynthetic adds products to the catalog until it holds n, cycling
// through the demo categories with generated names, prices and pictures.
// It is for benchmarks and load tests; it reports how many it added.
func AddSynthetic(ctx context.Context, st *store.Store, n int) (int, error) {
	var out int
	err := st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		out, err = addSynthetic(ctx, tx, n)
		return err
	})
	return out, err
}

func addSynthetic(ctx context.Context, tx *store.Tx, n int) (int, error) {
	have, err := tx.CountProducts(ctx)
	if err != nil {
		return 0, err
	}
	cats, err := tx.ListAllCategories(ctx)
	if err != nil || len(cats) == 0 {
		return 0, fmt.Errorf("demo: synthetic products need the demo categories first (%v)", err)
	}
	added := 0
	for i := int(have); i < n; i++ {
		c := Catalog[i%len(Catalog)]
		var catID int64
		for _, row := range cats {
			if row.Name == c.Name {
				catID = row.ID
			}
		}
		base := c.Products[i%len(c.Products)]
		name := fmt.Sprintf("%s %s No. %d", synthAdjectives[i%len(synthAdjectives)], base.Name, i)
		svg, err := Picture(name, synthColours[i%len(synthColours)], c.Shape)
		if err != nil {
			return added, err
		}
		sum := sha256.Sum256(svg)
		img, err := tx.CreateImage(ctx, store.CreateImageParams{ContentType: "image/svg+xml", Sha256: hex.EncodeToString(sum[:]), Data: svg})
		if err != nil {
			return added, err
		}
		var sized int64
		if c.Sized {
			sized = 1
		}
		if _, err := tx.CreateProduct(ctx, store.CreateProductParams{
			CategoryID: sql.NullInt64{Int64: catID, Valid: catID != 0}, Sku: fmt.Sprintf("SYN-%05d", i), Name: name,
			Description: base.Description, HasSizes: sized, Price: base.Price + int64(i%7)*100,
			ImageID: sql.NullInt64{Int64: img, Valid: true},
		}); err != nil {
			return added, err
		}
		added++
	}
	return added, nil
}
