-- name: GetDiscountCode :one
SELECT * FROM discount_codes WHERE code = ?;

-- name: ListDiscountCodes :many
SELECT d.*,
       CAST((SELECT COUNT(*) FROM discount_uses u WHERE u.code_id = d.id AND u.order_id IS NOT NULL) AS INTEGER) AS used
FROM discount_codes d
ORDER BY d.created_at DESC, d.id DESC
LIMIT @lim OFFSET @off;

-- name: CountDiscountCodes :one
SELECT CAST(COUNT(*) AS INTEGER) FROM discount_codes;

-- name: CreateDiscountCode :execresult
INSERT INTO discount_codes (code, percent, amount, min_spend, delivery, starts_at, ends_at, max_uses, max_per_customer, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (code) DO NOTHING;

-- name: EndDiscountCode :exec
UPDATE discount_codes SET ends_at = @now WHERE id = @id AND (ends_at IS NULL OR ends_at > @now);

-- name: DiscountUses :one
-- A code's uses that count against its limits, leaving out a payment's
-- own: by orders, and held by checkouts being paid; in all, and by one
-- email.
SELECT CAST(COUNT(*) AS INTEGER) AS uses,
       CAST(COALESCE(SUM(email = @email), 0) AS INTEGER) AS by_email
FROM discount_uses
WHERE code_id = @code_id AND payment_intent_id <> @payment_intent_id
  AND (order_id IS NOT NULL OR expires_at > @now);

-- name: HoldDiscount :exec
INSERT INTO discount_uses (payment_intent_id, code_id, email, expires_at) VALUES (?, ?, ?, ?)
ON CONFLICT (payment_intent_id) DO UPDATE SET code_id = excluded.code_id, email = excluded.email, expires_at = excluded.expires_at
WHERE order_id IS NULL;

-- name: ReleaseDiscount :exec
DELETE FROM discount_uses WHERE payment_intent_id = ? AND order_id IS NULL;

-- name: RedeemDiscount :exec
-- The order's use of its code, whether or not a hold was there.
INSERT INTO discount_uses (payment_intent_id, code_id, email, order_id) VALUES (?, ?, ?, ?)
ON CONFLICT (payment_intent_id) DO UPDATE SET code_id = excluded.code_id, email = excluded.email,
    order_id = excluded.order_id, expires_at = NULL;

-- name: DeleteExpiredDiscountHolds :execrows
DELETE FROM discount_uses WHERE order_id IS NULL AND expires_at < ?;

-- name: SetBagDiscount :execrows
UPDATE bags SET discount_code = ?, version = version + 1, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
WHERE id = ?;

-- name: ExtendDiscountHold :exec
UPDATE discount_uses SET expires_at = @expires_at WHERE payment_intent_id = @payment_intent_id AND order_id IS NULL;
