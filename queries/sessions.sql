-- The session store, over the same table scs's sqlite3store uses.

-- name: FindSession :one
SELECT data FROM sessions WHERE token = ? AND julianday('now') < expiry;

-- name: CommitSession :exec
REPLACE INTO sessions (token, data, expiry) VALUES (?, ?, julianday(CAST(@expiry AS TEXT)));

-- name: DeleteSession :exec
DELETE FROM sessions WHERE token = ?;

-- name: DeleteExpiredSessions :execrows
DELETE FROM sessions WHERE expiry < julianday('now');
