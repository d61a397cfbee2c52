-- name: GetOrderByPID :one
SELECT * FROM orders WHERE stripe_pid = ?;

-- name: GetOrderByNumber :one
SELECT * FROM orders WHERE order_number = ?;

-- name: CreateOrder :execresult
-- Records the order of a PaymentIntent, paid, once: when one is recorded
-- for it already, nothing is written (no row affected). No RETURNING: SQLite
-- would buffer the row in a temporary table, and the caller knows it all.
INSERT INTO orders (
    status, order_number, stripe_pid, source,
    full_name, email, phone_number, country, postcode, town_or_city,
    street_address1, street_address2, county,
    original_bag, order_total, delivery_cost, grand_total, amount_paid, currency,
    review_reason, save_info, username, user_id, created_at, discount_code, discount
) VALUES (
    'paid', ?, ?, ?,
    ?, ?, ?, ?, ?, ?,
    ?, ?, ?,
    ?, ?, ?, ?, ?, ?,
    ?, ?, ?, ?, ?, ?, ?
)
ON CONFLICT (stripe_pid) DO NOTHING;

-- name: CreateOrderLine :exec
INSERT INTO order_line_items (
    order_id, product_id, product_size, quantity, unit_price, lineitem_total, product_name, sku
) VALUES (?, ?, ?, ?, ?, ?, ?, ?);

-- name: ListOrderLines :many
SELECT * FROM order_line_items WHERE order_id = ? ORDER BY id;

-- name: GetProductsByIDs :many
-- The products an order names that still exist; json_each reads the
-- JSON array of ids.
SELECT id, sku, name, has_sizes, CAST(archived_at IS NOT NULL AS INTEGER) AS archived FROM products
WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(CAST(@ids AS TEXT)));

-- name: GetOrder :one
SELECT * FROM orders WHERE id = ?;
