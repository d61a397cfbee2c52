-- name: ProductStock :many
-- A product's tracked sizes: on hand, and what checkouts other than the
-- given bag's hold back until their holds run out.
SELECT s.size, s.on_hand,
       CAST(COALESCE((SELECT SUM(h.quantity) FROM stock_holds h
                      WHERE h.product_id = s.product_id AND h.size = s.size AND h.expires_at > @now
                        AND h.payment_intent_id NOT IN (SELECT c.payment_intent_id FROM checkouts c WHERE c.bag_id = @bag_id)), 0) AS INTEGER) AS held
FROM stock s
WHERE s.product_id = @product_id
ORDER BY s.size;

-- name: BagStock :many
-- The tracked lines of a bag: on hand, and what other bags' checkouts
-- hold back.
SELECT l.product_id, l.size, s.on_hand,
       CAST(COALESCE((SELECT SUM(h.quantity) FROM stock_holds h
                      WHERE h.product_id = s.product_id AND h.size = s.size AND h.expires_at > @now
                        AND h.payment_intent_id NOT IN (SELECT c.payment_intent_id FROM checkouts c WHERE c.bag_id = @bag_id)), 0) AS INTEGER) AS held
FROM bag_lines l
JOIN stock s ON s.product_id = l.product_id AND s.size = l.size
WHERE l.bag_id = @bag_id;

-- name: StockFor :one
-- One tracked size: on hand, and what checkouts of other payments hold
-- back.
SELECT s.on_hand,
       CAST(COALESCE((SELECT SUM(h.quantity) FROM stock_holds h
                      WHERE h.product_id = s.product_id AND h.size = s.size AND h.expires_at > @now
                        AND h.payment_intent_id <> @payment_intent_id), 0) AS INTEGER) AS held
FROM stock s
WHERE s.product_id = @product_id AND s.size = @size;

-- name: HoldStock :exec
INSERT INTO stock_holds (payment_intent_id, product_id, size, quantity, expires_at)
VALUES (?, ?, ?, ?, ?)
ON CONFLICT (payment_intent_id, product_id, size) DO UPDATE SET quantity = excluded.quantity, expires_at = excluded.expires_at;

-- name: ReleaseStock :execrows
DELETE FROM stock_holds WHERE payment_intent_id = ?;

-- name: DeleteExpiredStockHolds :execrows
DELETE FROM stock_holds WHERE expires_at < ?;

-- name: MoveStock :execrows
-- Changes what is on hand of a tracked size by a quantity (negative to
-- take), only if that leaves it at 0 or more.
UPDATE stock SET on_hand = on_hand + @change
WHERE product_id = @product_id AND size = @size AND on_hand + @change >= 0;

-- name: SetStock :exec
INSERT INTO stock (product_id, size, on_hand) VALUES (?, ?, ?)
ON CONFLICT (product_id, size) DO UPDATE SET on_hand = excluded.on_hand;

-- name: UntrackStock :execrows
DELETE FROM stock WHERE product_id = ? AND size = ?;

-- name: GetStock :one
SELECT on_hand FROM stock WHERE product_id = ? AND size = ?;

-- name: AddStockHistory :exec
INSERT INTO stock_history (product_id, size, change, on_hand, reason, order_id, changed_by, changed_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?);

-- name: ListStockHistory :many
SELECT id, product_id, size, change, on_hand, reason, order_id, changed_by, changed_at
FROM stock_history
WHERE product_id = @product_id
ORDER BY id DESC
LIMIT @lim OFFSET @off;

-- name: CountStockHistory :one
SELECT CAST(COUNT(*) AS INTEGER) FROM stock_history WHERE product_id = ?;

-- name: LowStock :many
-- Tracked sizes at or below a level, lowest first, for the dashboard.
SELECT s.product_id, s.size, s.on_hand, p.name, p.sku
FROM stock s
JOIN products p ON p.id = s.product_id
WHERE s.on_hand <= @level AND p.archived_at IS NULL
ORDER BY s.on_hand, p.name, s.size
LIMIT 20;

-- name: TrackedProducts :many
SELECT DISTINCT product_id FROM stock;

-- name: ExtendStockHolds :exec
UPDATE stock_holds SET expires_at = @expires_at WHERE payment_intent_id = @payment_intent_id;
