-- Sign-ups waiting for their address to be confirmed. The account is
-- made only when the link emailed to the address is followed, so the
-- sign-up page answers the same whether or not the address has an
-- account already. Only a hash of the link's token is kept.
CREATE TABLE signups (
    token_hash    TEXT PRIMARY KEY,
    username      TEXT NOT NULL,
    email         TEXT NOT NULL COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    expires_at    TEXT NOT NULL
);
CREATE INDEX signups_email ON signups (email);

-- Requests that cost an email, counted by who asked (a client address)
-- or who receives it, so that each can be limited within a window.
CREATE TABLE throttle_events (
    id  INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at  TEXT NOT NULL
);
CREATE INDEX throttle_events_key ON throttle_events (key, at);
