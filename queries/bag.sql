-- name: TouchBag :exec
-- Creates the bag on its first line, and marks it used on every change.
INSERT INTO bags (id) VALUES (?)
ON CONFLICT (id) DO UPDATE SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now');

-- name: AddToBagLine :one
-- Adds to a line in one statement: a new line is inserted, an existing one
-- grows. A line that would pass 99 is left as it is and no row comes back.
INSERT INTO bag_lines (bag_id, product_id, size, quantity)
VALUES (?, ?, ?, ?)
ON CONFLICT (bag_id, product_id, size)
DO UPDATE SET quantity = bag_lines.quantity + excluded.quantity
WHERE bag_lines.quantity + excluded.quantity <= 99
RETURNING quantity;

-- name: SetBagLineQuantity :execrows
UPDATE bag_lines SET quantity = ?
WHERE bag_id = ? AND product_id = ? AND size = ?;

-- name: DeleteBagLine :execrows
DELETE FROM bag_lines
WHERE bag_id = ? AND product_id = ? AND size = ?;

-- name: GetBagLineQuantity :one
SELECT quantity FROM bag_lines
WHERE bag_id = ? AND product_id = ? AND size = ?;

-- name: ListBagLines :many
-- The bag's lines with each product as it is now: prices are always the
-- current ones.
SELECT l.product_id, l.size, l.quantity,
       p.sku, p.name, p.price, p.has_sizes, p.image_id,
       CAST(p.archived_at IS NOT NULL AS INTEGER) AS archived, b.version AS bag_version,
       COALESCE(b.discount_code, '') AS discount_code
FROM bag_lines l
JOIN products p ON p.id = l.product_id
JOIN bags b ON b.id = l.bag_id
WHERE l.bag_id = ?
ORDER BY l.added_at, l.product_id, l.size;

-- name: DeleteBagsUpdatedBefore :execrows
-- Bags whose session has surely expired: no session lives longer than the
-- session lifetime, and a bag is touched on every add.
DELETE FROM bags WHERE updated_at < ?;

-- name: TakePaidLine :exec
-- A paid line leaves the bag: as many as were paid for, the whole line
-- when that is all of it. Lines added after the payment stay.
UPDATE bag_lines SET quantity = quantity - @quantity
WHERE bag_id = @bag_id AND product_id = @product_id AND size = @size AND quantity > @quantity;

-- name: DeletePaidLine :exec
DELETE FROM bag_lines
WHERE bag_id = @bag_id AND product_id = @product_id AND size = @size AND quantity <= @quantity;
