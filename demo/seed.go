package demo

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"boutique/store"
)

const seededKey = "demo_catalog_loaded"

// Seed loads the demo catalog into a shop whose catalog is empty and that
// has never had it, all in one transaction, and reports whether it did. A
// shop that has products or categories of its own, or that had the demo
// catalog once (even if the owner has since removed it), is left alone.
func Seed(ctx context.Context, st *store.Store) (bool, error) {
	var out bool
	err := st.Write(ctx, func(ctx context.Context, tx *store.Tx) error {
		var err error
		out, err = seed(ctx, tx)
		return err
	})
	return out, err
}

func seed(ctx context.Context, tx *store.Tx) (bool, error) {

	if _, err := tx.GetSetting(ctx, seededKey); err == nil {
		return false, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	products, err := tx.CountProducts(ctx)
	if err != nil {
		return false, err
	}
	categories, err := tx.CountCategories(ctx)
	if err != nil {
		return false, err
	}
	if products > 0 || categories > 0 {
		return false, nil
	}

	for _, c := range Catalog {
		catID, err := tx.CreateCategory(ctx, store.CreateCategoryParams{Name: c.Name, FriendlyName: c.FriendlyName})
		if err != nil {
			return false, fmt.Errorf("demo: category %s: %w", c.Name, err)
		}
		for i, p := range c.Products {
			svg, err := Picture(p.Name, p.Colour, c.Shape)
			if err != nil {
				return false, err
			}
			sum := sha256.Sum256(svg)
			imgID, err := tx.CreateImage(ctx, store.CreateImageParams{
				ContentType: "image/svg+xml",
				Sha256:      hex.EncodeToString(sum[:]),
				Data:        svg,
			})
			if err != nil {
				return false, err
			}
			var sized int64
			if c.Sized {
				sized = 1
			}
			if _, err := tx.CreateProduct(ctx, store.CreateProductParams{
				CategoryID:  sql.NullInt64{Int64: catID, Valid: true},
				Sku:         fmt.Sprintf("%s-%04d", c.SKUPrefix, i+1),
				Name:        p.Name,
				Description: p.Description,
				HasSizes:    sized,
				Price:       p.Price,
				ImageID:     sql.NullInt64{Int64: imgID, Valid: true},
			}); err != nil {
				return false, fmt.Errorf("demo: product %s: %w", p.Name, err)
			}
		}
	}
	if err := tx.PutSetting(ctx, store.PutSettingParams{Key: seededKey, Value: "1"}); err != nil {
		return false, err
	}
	return true, nil
}
