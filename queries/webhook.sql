-- name: RecordEvent :execrows
-- Records an event once; 0 rows means it was recorded before.
INSERT INTO stripe_events (id, type, payment_intent_id, outcome, received_at)
VALUES (?, ?, ?, ?, ?)
ON CONFLICT (id) DO NOTHING;

-- name: EventSeen :one
SELECT CAST(COUNT(*) AS INTEGER) FROM stripe_events WHERE id = ?;

-- name: RecordPaymentFailure :exec
INSERT INTO payment_failures (payment_intent_id, event_id, reason, code, amount, currency)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (event_id) DO NOTHING;

-- name: MoveOrderStatus :execrows
-- Moves an order from the status it was read with to another.
UPDATE orders SET status = @status WHERE id = @id AND status = @from_status;
