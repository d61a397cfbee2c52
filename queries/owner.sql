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
-- A page of every order, newest first, through the created_at index.
SELECT id, order_number, created_at, email, full_name, grand_total, currency, status, review_reason
FROM orders
ORDER BY created_at DESC, id DESC
LIMIT @lim OFFSET @off;

-- name: OwnerListOrdersByStatus :many
-- A page of the orders of one status, newest first, through the
-- (status, created_at) index.
SELECT id, order_number, created_at, email, full_name, grand_total, currency, status, review_reason
FROM orders
WHERE status = @status
ORDER BY created_at DESC, id DESC
LIMIT @lim OFFSET @off;

-- name: OwnerCountOrders :one
-- How many orders there are, of a status or ('') of any, as the triggers
-- keep the count.
SELECT CAST(COALESCE(SUM(orders), 0) AS INTEGER) FROM order_status_counts
WHERE CAST(@status AS TEXT) = '' OR status = @status;

-- name: SearchOrdersByNumber :many
-- Orders whose number begins with a prefix (as the range [lo, hi)), of a
-- status or ('') of any.
SELECT id, order_number, created_at, email, full_name, grand_total, currency, status, review_reason
FROM orders
WHERE order_number >= @lo AND order_number < @hi AND (CAST(@status AS TEXT) = '' OR status = @status)
-- +created_at: the matches are few, so the planner must find them by the
-- search's index and sort them, not walk every order in date order.
ORDER BY +created_at DESC, id DESC
LIMIT @lim OFFSET @off;

-- name: CountOrdersByNumber :one
SELECT CAST(COUNT(*) AS INTEGER) FROM orders
WHERE order_number >= @lo AND order_number < @hi AND (CAST(@status AS TEXT) = '' OR status = @status);

-- name: SearchOrdersByEmail :many
-- Orders whose email, lower-cased, begins with a prefix (as the range
-- [lo, hi)), through the lower(email) index.
SELECT id, order_number, created_at, email, full_name, grand_total, currency, status, review_reason
FROM orders
WHERE lower(email) >= @lo AND lower(email) < @hi AND (CAST(@status AS TEXT) = '' OR status = @status)
-- +created_at: the matches are few, so the planner must find them by the
-- search's index and sort them, not walk every order in date order.
ORDER BY +created_at DESC, id DESC
LIMIT @lim OFFSET @off;

-- name: CountOrdersByEmail :one
SELECT CAST(COUNT(*) AS INTEGER) FROM orders
WHERE lower(email) >= @lo AND lower(email) < @hi AND (CAST(@status AS TEXT) = '' OR status = @status);

-- name: AddStatusHistory :exec
INSERT INTO order_status_history (order_id, status, note, changed_by) VALUES (?, ?, ?, ?);

-- name: ListStatusHistory :many
SELECT status, note, changed_by, changed_at FROM order_status_history WHERE order_id = ? ORDER BY id;

-- name: GetUserByID :one
SELECT username, email FROM users WHERE id = ?;

-- name: DailySales :many
-- Orders and revenue a day since a day, as the triggers keep them.
SELECT day, orders, revenue FROM sales_days WHERE day >= substr(CAST(@since AS TEXT), 1, 10) ORDER BY day;

-- name: BestSellers :many
SELECT product_name, units, revenue FROM product_sales ORDER BY units DESC, revenue DESC LIMIT ?;

-- name: OrderCountsByStatus :many
SELECT status, orders FROM order_status_counts WHERE orders > 0 ORDER BY status;

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
