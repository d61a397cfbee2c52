-- name: CountThrottleEvents :one
SELECT CAST(COUNT(*) AS INTEGER) FROM throttle_events WHERE key = ? AND at > ?;

-- name: RecordThrottleEvent :exec
INSERT INTO throttle_events (key, at) VALUES (?, ?);

-- name: DeleteThrottleEventsBefore :execrows
DELETE FROM throttle_events WHERE at < ?;

-- name: DeleteLoginFailuresBefore :execrows
DELETE FROM login_failures WHERE failed_at < ?;

-- name: DeleteExpiredSignups :execrows
DELETE FROM signups WHERE expires_at < ?;

-- name: DeleteExpiredPasswordResets :execrows
DELETE FROM password_resets WHERE expires_at < ?;
