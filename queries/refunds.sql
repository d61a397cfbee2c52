-- name: CreateRefund :execresult
INSERT INTO refunds (order_id, key, amount, delivery, reason, restock, requested_by, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (key) DO NOTHING;

-- name: AddRefundLine :exec
INSERT INTO refund_lines (refund_id, line_id, quantity) VALUES (?, ?, ?);

-- name: GetRefundByKey :one
SELECT * FROM refunds WHERE key = ?;

-- name: GetRefund :one
SELECT * FROM refunds WHERE id = ?;

-- name: ListRefunds :many
SELECT * FROM refunds WHERE order_id = ? ORDER BY id;

-- name: RefundLines :many
SELECT rl.line_id, rl.quantity, li.product_id, li.product_size, li.product_name
FROM refund_lines rl
JOIN order_line_items li ON li.id = rl.line_id
WHERE rl.refund_id = ?;

-- name: RefundedQuantities :many
-- How much of each line of an order refunds have taken or are taking.
SELECT rl.line_id, CAST(SUM(rl.quantity) AS INTEGER) AS quantity
FROM refund_lines rl
JOIN refunds r ON r.id = rl.refund_id
WHERE r.order_id = ? AND r.status <> 'failed'
GROUP BY rl.line_id;

-- name: RefundsTotal :one
-- What refunds of an order have taken or are taking, and of it delivery.
SELECT CAST(COALESCE(SUM(amount), 0) AS INTEGER) AS amount, CAST(COALESCE(SUM(delivery), 0) AS INTEGER) AS delivery
FROM refunds WHERE order_id = ? AND status <> 'failed';

-- name: SucceededRefundsTotal :one
SELECT CAST(COALESCE(SUM(amount), 0) AS INTEGER) FROM refunds WHERE order_id = ? AND status = 'succeeded';

-- name: MarkRefundSucceeded :execrows
UPDATE refunds SET status = 'succeeded', stripe_refund_id = ?, done_at = ?, attempts = attempts + 1
WHERE id = ? AND status = 'pending';

-- name: MarkRefundFailed :execrows
UPDATE refunds SET status = 'failed', failure = ?, done_at = ?, attempts = attempts + 1
WHERE id = ? AND status = 'pending';

-- name: RefundAttempted :exec
UPDATE refunds SET attempts = attempts + 1, failure = ? WHERE id = ? AND status = 'pending';

-- name: PendingRefunds :many
SELECT id FROM refunds WHERE status = 'pending' ORDER BY id LIMIT 50;

-- name: SetAmountRefunded :exec
-- Raises what Stripe has refunded of an order, never lowers it.
UPDATE orders SET amount_refunded = MAX(amount_refunded, @amount) WHERE id = @id;
