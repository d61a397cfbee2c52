-- name: OwnerListProducts :many
-- A page of the owner's products: those for sale first, then archived.
SELECT p.id, p.sku, p.name, p.price, p.has_sizes, p.archived_at, p.image_id,
       COALESCE(c.friendly_name, '') AS category_friendly_name
FROM products p
LEFT JOIN categories c ON c.id = p.category_id
ORDER BY p.archived_at IS NOT NULL, p.id
LIMIT @max OFFSET @skip;

-- name: OwnerGetProduct :one
SELECT * FROM products WHERE id = ?;

-- name: UpdateProduct :exec
UPDATE products
SET category_id = ?, sku = ?, name = ?, description = ?, has_sizes = ?, price = ?, image_id = ?
WHERE id = ?;

-- name: ProductOrderLines :one
SELECT CAST(COUNT(*) AS INTEGER) FROM order_line_items WHERE product_id = ?;

-- name: ArchiveProduct :exec
UPDATE products SET archived_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?;

-- name: DeleteProduct :exec
DELETE FROM products WHERE id = ?;

-- name: ListAllCategories :many
SELECT id, name, friendly_name FROM categories ORDER BY id;

-- name: RenameCategory :execrows
UPDATE categories SET friendly_name = ? WHERE id = ?;

-- name: OwnerListOrders :many
SELECT id, order_number, created_at, email, full_name, grand_total, currency, status, review_reason
FROM orders
WHERE (CAST(@status AS TEXT) = '' OR status = @status)
  AND (CAST(@search AS TEXT) = '' OR order_number LIKE '%' || upper(@search) || '%' OR email LIKE '%' || @search || '%')
ORDER BY created_at DESC, id DESC
LIMIT @lim OFFSET @off;

-- name: OwnerCountOrders :one
SELECT CAST(COUNT(*) AS INTEGER) FROM orders
WHERE (CAST(@status AS TEXT) = '' OR status = @status)
  AND (CAST(@search AS TEXT) = '' OR order_number LIKE '%' || upper(@search) || '%' OR email LIKE '%' || @search || '%');

-- name: AddStatusHistory :exec
INSERT INTO order_status_history (order_id, status, note, changed_by) VALUES (?, ?, ?, ?);

-- name: ListStatusHistory :many
SELECT status, note, changed_by, changed_at FROM order_status_history WHERE order_id = ? ORDER BY id;

-- name: GetUserByID :one
SELECT username, email FROM users WHERE id = ?;

-- name: DailySales :many
SELECT CAST(substr(created_at, 1, 10) AS TEXT) AS day,
       CAST(COUNT(*) AS INTEGER) AS orders,
       CAST(COALESCE(SUM(grand_total), 0) AS INTEGER) AS revenue
FROM orders
WHERE created_at >= ?
GROUP BY substr(created_at, 1, 10)
ORDER BY day;

-- name: BestSellers :many
SELECT product_name, CAST(SUM(quantity) AS INTEGER) AS units, CAST(SUM(lineitem_total) AS INTEGER) AS revenue
FROM order_line_items
GROUP BY product_id, product_name
ORDER BY units DESC, revenue DESC
LIMIT ?;

-- name: OrderCountsByStatus :many
SELECT status, CAST(COUNT(*) AS INTEGER) AS orders FROM orders GROUP BY status ORDER BY status;

-- name: RecentPaymentFailures :many
SELECT payment_intent_id, reason, COALESCE(code, '') AS code, amount, currency, failed_at
FROM payment_failures ORDER BY failed_at DESC, id DESC LIMIT 50;

-- name: FlaggedOrders :many
SELECT order_number, created_at, CAST(review_reason AS TEXT) AS review_reason, amount_paid, currency
FROM orders WHERE review_reason IS NOT NULL ORDER BY created_at DESC LIMIT 50;

-- name: LastEventAt :one
SELECT CAST(COALESCE(MAX(received_at), '') AS TEXT) FROM stripe_events;

-- name: CheckoutsSince :one
SELECT CAST(COUNT(*) AS INTEGER) FROM checkouts WHERE created_at >= ?;

-- name: MakeStaff :execrows
UPDATE users SET is_staff = 1 WHERE username = ? COLLATE NOCASE;

-- name: OrdersToShip :many
-- Paid orders waiting to be shipped, oldest first.
SELECT order_number, created_at, full_name, grand_total, currency
FROM orders
WHERE status = 'paid'
ORDER BY created_at, id
LIMIT @max;
