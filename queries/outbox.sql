-- name: EnqueueEmail :exec
-- The email is due at once: next_attempt_at is created_at.
INSERT INTO outbox (dedupe_key, recipient, subject, body, next_attempt_at, created_at)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (dedupe_key) DO NOTHING;

-- name: ClaimEmails :many
-- Claims the due emails no live claim holds, until lease_until.
UPDATE outbox SET lease_until = CAST(@lease_until AS TEXT)
WHERE id IN (
    SELECT o.id FROM outbox o
    WHERE o.sent_at IS NULL AND o.next_attempt_at <= CAST(@now AS TEXT)
      AND (o.lease_until IS NULL OR o.lease_until <= CAST(@now AS TEXT))
    ORDER BY o.next_attempt_at, o.id
    LIMIT @lim
)
RETURNING id, dedupe_key, recipient, subject, body, attempts;

-- name: MarkEmailSent :exec
UPDATE outbox SET sent_at = ?, attempts = attempts + 1, last_error = NULL, lease_until = NULL WHERE id = ?;

-- name: MarkEmailFailed :exec
UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?, lease_until = NULL WHERE id = ?;

-- name: ReleaseEmails :exec
-- Gives back claimed emails that were not sent, for the next sender.
UPDATE outbox SET lease_until = NULL
WHERE sent_at IS NULL AND id IN (SELECT CAST(value AS INTEGER) FROM json_each(CAST(@ids AS TEXT)));

-- name: OutboxBacklog :one
SELECT CAST(COUNT(*) AS INTEGER) FROM outbox WHERE sent_at IS NULL;
