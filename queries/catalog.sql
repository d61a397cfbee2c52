-- name: ListCategories :many
-- Every category with how many products it holds and how many of those
-- come in sizes, in the order the navigation shows them.
SELECT c.id, c.name, c.friendly_name,
       CAST(COUNT(p.id) AS INTEGER) AS product_count,
       CAST(COALESCE(SUM(p.has_sizes), 0) AS INTEGER) AS sized_count
FROM categories c
LEFT JOIN products p ON p.category_id = c.id AND p.archived_at IS NULL
GROUP BY c.id
ORDER BY c.id;

-- name: GetProduct :one
-- A product of the catalog; archived products are not.
SELECT p.id, p.sku, p.name, p.description, p.has_sizes, p.price, p.rating, p.image_id, p.review_count,
       COALESCE(c.name, '') AS category_name,
       COALESCE(c.friendly_name, '') AS category_friendly_name
FROM products p
LEFT JOIN categories c ON c.id = p.category_id
WHERE p.id = ? AND p.archived_at IS NULL;

-- name: SearchProducts :many
-- The catalog list. An empty query matches everything; categories is a
-- comma list of category names (names hold no commas), empty for all. sort is one of price, rating, name, category
-- (anything else keeps catalog order) and descending = 1 flips it; the
-- product id breaks ties so the order is always the same.
WITH opts (sort_key, descending) AS (
    SELECT CAST(@sort AS TEXT), CAST(@descending AS INTEGER)
)
SELECT p.id, p.sku, p.name, p.description, p.has_sizes, p.price, p.rating, p.image_id, p.review_count,
       COALESCE(c.name, '') AS category_name,
       COALESCE(c.friendly_name, '') AS category_friendly_name
FROM products p
CROSS JOIN opts o
LEFT JOIN categories c ON c.id = p.category_id
WHERE p.archived_at IS NULL
  AND (CAST(@query AS TEXT) = ''
       OR instr(lower(p.name), lower(CAST(@query AS TEXT))) > 0
       OR instr(lower(p.description), lower(CAST(@query AS TEXT))) > 0)
  AND (CAST(@categories AS TEXT) = ''
       OR instr(',' || CAST(@categories AS TEXT) || ',', ',' || c.name || ',') > 0)
ORDER BY
    CASE WHEN o.sort_key = 'price' AND o.descending = 0 THEN p.price END ASC,
    CASE WHEN o.sort_key = 'price' AND o.descending = 1 THEN p.price END DESC,
    CASE WHEN o.sort_key = 'rating' AND o.descending = 0 THEN p.rating END ASC,
    CASE WHEN o.sort_key = 'rating' AND o.descending = 1 THEN p.rating END DESC,
    CASE WHEN o.sort_key = 'name' AND o.descending = 0 THEN lower(p.name) END ASC,
    CASE WHEN o.sort_key = 'name' AND o.descending = 1 THEN lower(p.name) END DESC,
    CASE WHEN o.sort_key = 'category' AND o.descending = 0 THEN c.name END ASC,
    CASE WHEN o.sort_key = 'category' AND o.descending = 1 THEN c.name END DESC,
    CASE WHEN o.sort_key = 'newest' AND o.descending = 0 THEN p.id END ASC,
    CASE WHEN o.sort_key = 'newest' AND o.descending = 1 THEN p.id END DESC,
    p.id;

-- name: CountProducts :one
SELECT CAST(COUNT(*) AS INTEGER) FROM products;

-- name: CreateCategory :one
INSERT INTO categories (name, friendly_name) VALUES (?, ?) RETURNING id;

-- name: CreateImage :one
INSERT INTO images (content_type, sha256, data) VALUES (?, ?, ?) RETURNING id;

-- name: GetImage :one
SELECT id, content_type, sha256, data FROM images WHERE id = ?;

-- name: CreateProduct :one
INSERT INTO products (category_id, sku, name, description, has_sizes, price, rating, image_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
RETURNING id;

-- name: GetSetting :one
SELECT value FROM settings WHERE key = ?;

-- name: PutSetting :exec
INSERT INTO settings (key, value) VALUES (?, ?)
ON CONFLICT (key) DO UPDATE SET value = excluded.value;

-- name: CountCategories :one
SELECT CAST(COUNT(*) AS INTEGER) FROM categories;
