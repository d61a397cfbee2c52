-- The session store, over the same table scs's sqlite3store uses.

-- name: FindSession :one
-- A live session's data, and when it expires in Unix seconds.
SELECT data, CAST((expiry - 2440587.5) * 86400 AS INTEGER) AS expires_unix
FROM sessions WHERE token = ? AND julianday('now') < expiry;

-- name: CommitSession :exec
REPLACE INTO sessions (token, data, expiry) VALUES (?, ?, julianday(CAST(@expiry AS TEXT)));

-- name: DeleteSession :exec
DELETE FROM sessions WHERE token = ?;

-- name: DeleteExpiredSessions :execrows
DELETE FROM sessions WHERE expiry < julianday('now');
