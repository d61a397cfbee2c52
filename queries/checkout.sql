-- name: LatestCheckout :one
-- The bag's open checkout: the newest one whose payment is not an order.
SELECT payment_intent_id, bag_id, amount, currency, bag_parts, bag_version, confirming_at, bag, discount_code, discount
FROM checkouts
WHERE bag_id = ? AND completed_at IS NULL
ORDER BY created_at DESC, rowid DESC
LIMIT 1;

-- name: GetCheckout :one
SELECT payment_intent_id, bag_id, amount, currency, bag_parts, bag_version, confirming_at, bag, user_id, discount_code, discount
FROM checkouts
WHERE payment_intent_id = ?;

-- name: CountCheckouts :one
SELECT CAST(COUNT(*) AS INTEGER) FROM checkouts WHERE bag_id = ?;

-- name: CreateCheckout :exec
INSERT INTO checkouts (payment_intent_id, bag_id, amount, currency, bag_parts, client_addr, bag, bag_version, user_id, discount_code, discount)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (payment_intent_id) DO NOTHING;

-- name: RecentCheckouts :one
-- The PaymentIntents made since a time for a bag, and for an address.
SELECT CAST((SELECT COUNT(*) FROM checkouts c WHERE c.bag_id = @bag_id AND c.created_at >= @since) AS INTEGER) AS for_bag,
       CAST((SELECT COUNT(*) FROM checkouts c WHERE c.client_addr = @client_addr AND c.created_at >= @since) AS INTEGER) AS for_addr;

-- name: UpdateCheckout :exec
-- What the PaymentIntent holds now: its amount, bag and discount, sent
-- together.
UPDATE checkouts
SET amount = ?, bag_parts = ?, bag = ?, bag_version = ?, discount_code = ?, discount = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE payment_intent_id = ?;

-- name: ConfirmingCheckout :exec
-- The shopper's browser has been told to confirm the payment, for this
-- account ('' for a guest).
UPDATE checkouts SET confirming_at = @now, user_id = @user_id WHERE payment_intent_id = @payment_intent_id;

-- name: CompleteCheckout :exec
-- The payment is an order now: the checkout is done.
UPDATE checkouts SET completed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE payment_intent_id = ?;

-- name: RecentPaidCheckout :one
-- The order the bag's checkout most recently paid for, since a time.
SELECT o.order_number
FROM checkouts c
JOIN orders o ON o.stripe_pid = c.payment_intent_id
WHERE c.bag_id = @bag_id AND c.completed_at >= @since
ORDER BY c.completed_at DESC
LIMIT 1;

-- name: MarkCheckoutProcessing :execrows
-- The checkout's payment is processing (the first time it is heard of).
UPDATE checkouts SET processing_since = @now
WHERE payment_intent_id = @payment_intent_id AND processing_since IS NULL AND completed_at IS NULL;

-- name: EndCheckoutProcessing :execrows
-- The processing payment failed: the checkout is no longer awaited.
UPDATE checkouts SET processing_since = NULL WHERE payment_intent_id = ? AND processing_since IS NOT NULL;

-- name: AwaitedPayments :many
-- Payments processing with no order yet, oldest first, for the owner.
SELECT payment_intent_id, amount, currency, processing_since FROM checkouts
WHERE processing_since IS NOT NULL AND completed_at IS NULL
ORDER BY processing_since
LIMIT 50;
