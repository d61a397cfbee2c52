-- name: EnqueueEmail :exec
-- The email is due at once: next_attempt_at is created_at.
INSERT INTO outbox (dedupe_key, recipient, subject, body, next_attempt_at, created_at)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (dedupe_key) DO NOTHING;

-- name: DueEmails :many
SELECT id, recipient, subject, body, attempts
FROM outbox
WHERE sent_at IS NULL AND next_attempt_at <= ?
ORDER BY next_attempt_at, id
LIMIT ?;

-- name: MarkEmailSent :exec
UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?;

-- name: MarkEmailFailed :exec
UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?;

-- name: OutboxBacklog :one
SELECT CAST(COUNT(*) AS INTEGER) FROM outbox WHERE sent_at IS NULL;
