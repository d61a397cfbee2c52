-- name: ListProductImages :many
SELECT image_id FROM product_images WHERE product_id = ? ORDER BY position, image_id;

-- name: AddProductImage :exec
-- A picture after the product's others.
INSERT INTO product_images (product_id, image_id, position)
VALUES (@product_id, @image_id, (SELECT COALESCE(MAX(position) + 1, 0) FROM product_images WHERE product_id = @product_id));

-- name: SetProductImagePosition :exec
UPDATE product_images SET position = ? WHERE product_id = ? AND image_id = ?;

-- name: RemoveProductImage :exec
DELETE FROM product_images WHERE product_id = ? AND image_id = ?;

-- name: SetMainImage :exec
UPDATE products SET image_id = ? WHERE id = ?;

-- name: CreateImageVariant :exec
INSERT OR REPLACE INTO image_variants (image_id, width, content_type, data) VALUES (?, ?, ?, ?);

-- name: GetImageVariant :one
SELECT v.content_type, v.data, i.sha256
FROM image_variants v JOIN images i ON i.id = v.image_id
WHERE v.image_id = ? AND v.width = ?;
