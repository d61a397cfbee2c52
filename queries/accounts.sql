-- name: CreateUser :one
INSERT INTO users (username, email, password_hash) VALUES (?, ?, ?) RETURNING id;

-- name: GetUserByLogin :one
-- A user by username or email, whatever the case.
SELECT id, username, email, password_hash, is_staff, session_gen FROM users
WHERE username = @login COLLATE NOCASE OR email = @login COLLATE NOCASE
LIMIT 1;

-- name: GetUser :one
SELECT id, username, email, password_hash, is_staff, session_gen FROM users WHERE id = ?;

-- name: GetUserByUsername :one
SELECT id, username, email, password_hash, is_staff FROM users WHERE username = ? COLLATE NOCASE;

-- name: UsernameOrEmailTaken :one
SELECT CAST(COALESCE(MAX(username = @username COLLATE NOCASE), 0) AS INTEGER) AS username_taken,
       CAST(COALESCE(MAX(email = @email COLLATE NOCASE), 0) AS INTEGER) AS email_taken
FROM users
WHERE username = @username COLLATE NOCASE OR email = @email COLLATE NOCASE;

-- name: SetPassword :one
-- A new password signs out every session of the account (a new session
-- generation) and spends the reset links still outstanding.
UPDATE users SET password_hash = ?, session_gen = session_gen + 1 WHERE id = ?
RETURNING session_gen;

-- name: RevokePasswordResets :exec
UPDATE password_resets SET used_at = @now WHERE user_id = @user_id AND used_at IS NULL;

-- name: GetProfile :one
SELECT * FROM profiles WHERE user_id = ?;

-- name: UpsertProfile :exec
INSERT INTO profiles (user_id, default_phone_number, default_street_address1, default_street_address2,
    default_town_or_city, default_county, default_postcode, default_country)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (user_id) DO UPDATE SET
    default_phone_number = excluded.default_phone_number,
    default_street_address1 = excluded.default_street_address1,
    default_street_address2 = excluded.default_street_address2,
    default_town_or_city = excluded.default_town_or_city,
    default_county = excluded.default_county,
    default_postcode = excluded.default_postcode,
    default_country = excluded.default_country;

-- name: ListUserOrders :many
SELECT o.order_number, o.created_at, o.grand_total, o.currency, o.status,
       CAST(COALESCE((SELECT SUM(quantity) FROM order_line_items WHERE order_id = o.id), 0) AS INTEGER) AS items
FROM orders o
WHERE o.user_id = ?
ORDER BY o.created_at DESC, o.id DESC;

-- name: CreatePasswordReset :exec
INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES (?, ?, ?);

-- name: UsePasswordReset :one
-- Spends a reset link: it works once, before it expires.
UPDATE password_resets SET used_at = @now
WHERE token_hash = @token_hash AND used_at IS NULL AND expires_at > @now
RETURNING user_id;

-- name: RecordLoginFailure :exec
INSERT INTO login_failures (key) VALUES (?);

-- name: CountLoginFailures :one
SELECT CAST(COUNT(*) AS INTEGER) FROM login_failures WHERE key = ? AND failed_at > ?;

-- name: ClearLoginFailures :exec
DELETE FROM login_failures WHERE key = ?;

-- name: CountRecentResets :one
-- Reset links made for an account in the last hour: a link lives an hour.
SELECT CAST(COUNT(*) AS INTEGER) FROM password_resets WHERE user_id = @user_id AND expires_at > @now;

-- name: CreateSignup :exec
INSERT INTO signups (token_hash, username, email, password_hash, expires_at) VALUES (?, ?, ?, ?, ?);

-- name: DeleteSignupsFor :exec
-- One confirmation link at a time for an address: a new sign-up spends
-- the links before it.
DELETE FROM signups WHERE email = ?;

-- name: UseSignup :one
-- Spends a confirmation link: it works once, before it expires.
DELETE FROM signups WHERE token_hash = @token_hash AND expires_at > @now
RETURNING username, email, password_hash;

-- name: UsernameTaken :one
SELECT CAST(EXISTS (SELECT 1 FROM users WHERE username = ? COLLATE NOCASE) AS INTEGER);

-- name: ResetLinkUsable :one
SELECT CAST(EXISTS (SELECT 1 FROM password_resets
    WHERE token_hash = @token_hash AND used_at IS NULL AND expires_at > @now) AS INTEGER);
