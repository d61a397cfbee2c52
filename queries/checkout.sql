-- name: LatestCheckout :one
-- The bag's open checkout: the newest one whose payment is not an order.
SELECT payment_intent_id, bag_id, amount, currency, bag_parts
FROM checkouts
WHERE bag_id = ? AND completed_at IS NULL
ORDER BY created_at DESC, rowid DESC
LIMIT 1;

-- name: GetCheckout :one
SELECT payment_intent_id, bag_id, amount, currency, bag_parts
FROM checkouts
WHERE payment_intent_id = ?;

-- name: CountCheckouts :one
SELECT CAST(COUNT(*) AS INTEGER) FROM checkouts WHERE bag_id = ?;

-- name: CreateCheckout :exec
INSERT INTO checkouts (payment_intent_id, bag_id, amount, currency, bag_parts, client_addr)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (payment_intent_id) DO NOTHING;

-- name: RecentCheckouts :one
-- The PaymentIntents made since a time for a bag, and for an address.
SELECT CAST((SELECT COUNT(*) FROM checkouts c WHERE c.bag_id = @bag_id AND c.created_at >= @since) AS INTEGER) AS for_bag,
       CAST((SELECT COUNT(*) FROM checkouts c WHERE c.client_addr = @client_addr AND c.created_at >= @since) AS INTEGER) AS for_addr;

-- name: UpdateCheckout :exec
UPDATE checkouts
SET amount = ?, bag_parts = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE payment_intent_id = ?;

-- name: CompleteCheckout :exec
-- The payment is an order now: the checkout is done.
UPDATE checkouts SET completed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE payment_intent_id = ?;

-- name: EmptyPaidBag :many
-- Empties the bag a payment was for; its id comes back once a line.
DELETE FROM bag_lines
WHERE bag_id = (SELECT bag_id FROM checkouts WHERE payment_intent_id = ?)
RETURNING bag_id;
