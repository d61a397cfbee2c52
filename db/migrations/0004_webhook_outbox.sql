-- Every Stripe event the webhook has acted on, written in the same
-- transaction as its effect, so a repeated event changes nothing.
CREATE TABLE stripe_events (
    id                TEXT PRIMARY KEY,
    type              TEXT NOT NULL,
    payment_intent_id TEXT,
    outcome           TEXT NOT NULL,
    received_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX stripe_events_received_at ON stripe_events (received_at);

-- Failed payment attempts, for the owner.
CREATE TABLE payment_failures (
    id                INTEGER PRIMARY KEY,
    payment_intent_id TEXT    NOT NULL,
    event_id          TEXT    NOT NULL UNIQUE,
    reason            TEXT    NOT NULL,
    code              TEXT,
    amount            INTEGER NOT NULL,
    currency          TEXT    NOT NULL,
    failed_at         TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX payment_failures_payment_intent_id ON payment_failures (payment_intent_id);

-- Email to send, written in the transaction that makes it due; the sender
-- delivers each row once. dedupe_key makes a second write of the same
-- email (a repeated fulfilment) a no-op.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    dedupe_key      TEXT    NOT NULL UNIQUE,
    recipient       TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    last_error      TEXT,
    sent_at         TEXT,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE sent_at IS NULL;
