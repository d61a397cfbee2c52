-- What Stripe has refunded of an order's payment, in all: the most either
-- the shop's own refunds or Stripe's charge.refunded said, so that the
-- same refund heard of twice is counted once.
ALTER TABLE orders ADD COLUMN amount_refunded INTEGER NOT NULL DEFAULT 0;

-- The refunds the shop asks Stripe for: the owner's, by line and
-- quantity, and the full refund of a payment that came after its stock
-- was gone. key is the refund request's own (the form's, or the
-- payment's): a second click or a retry finds the same row, and Stripe
-- is asked with it as idempotency key, so it refunds once.
CREATE TABLE refunds (
    id               INTEGER PRIMARY KEY,
    order_id         INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    key              TEXT    NOT NULL UNIQUE,
    amount           INTEGER NOT NULL CHECK (amount > 0),
    -- of which for delivery
    delivery         INTEGER NOT NULL DEFAULT 0 CHECK (delivery >= 0),
    reason           TEXT    NOT NULL,
    restock          INTEGER NOT NULL DEFAULT 0 CHECK (restock IN (0, 1)),
    status           TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
    stripe_refund_id TEXT    UNIQUE,
    failure          TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    requested_by     TEXT,
    created_at       TEXT    NOT NULL,
    done_at          TEXT
);

CREATE INDEX refunds_order_id ON refunds (order_id);
CREATE INDEX refunds_pending ON refunds (status) WHERE status = 'pending';

CREATE TABLE refund_lines (
    refund_id INTEGER NOT NULL REFERENCES refunds (id) ON DELETE CASCADE,
    line_id   INTEGER NOT NULL REFERENCES order_line_items (id) ON DELETE CASCADE,
    quantity  INTEGER NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (refund_id, line_id)
) WITHOUT ROWID;
