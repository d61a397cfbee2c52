-- Shoppers' accounts. Usernames and emails are unique whatever their case.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(username) BETWEEN 3 AND 30),
    email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT    NOT NULL,
    is_staff      INTEGER NOT NULL DEFAULT 0 CHECK (is_staff IN (0, 1)),
    created_at    TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- A shopper's default delivery information, which prefills the checkout.
CREATE TABLE profiles (
    user_id                 INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    default_phone_number    TEXT,
    default_street_address1 TEXT,
    default_street_address2 TEXT,
    default_town_or_city    TEXT,
    default_county          TEXT,
    default_postcode        TEXT,
    default_country         TEXT
);

ALTER TABLE orders ADD COLUMN user_id INTEGER REFERENCES users (id) ON DELETE SET NULL;
CREATE INDEX orders_user_id ON orders (user_id);

-- Password reset links: only a hash of the token is kept; a link works
-- once, until it expires.
CREATE TABLE password_resets (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TEXT    NOT NULL,
    used_at    TEXT
);

-- Failed log-ins, by account and by address, to slow guessing down.
CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY,
    key       TEXT NOT NULL,
    failed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX login_failures_key ON login_failures (key, failed_at);

-- A checkout whose payment has become an order is done: its bag was
-- emptied then, and the next checkout of the bag starts a new
-- PaymentIntent.
ALTER TABLE checkouts ADD COLUMN completed_at TEXT;
