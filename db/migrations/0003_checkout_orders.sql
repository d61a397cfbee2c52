-- Checkouts: every PaymentIntent the shop creates, with the bag it is for.
-- A PaymentIntent belongs to the session whose bag it was made for; the
-- amount is the one last sent to Stripe.
CREATE TABLE checkouts (
    payment_intent_id TEXT    PRIMARY KEY,
    bag_id            TEXT    NOT NULL,
    amount            INTEGER NOT NULL CHECK (amount >= 0),
    currency          TEXT    NOT NULL,
    -- how many metadata keys the bag took when it was last cached
    bag_parts         INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at        TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX checkouts_bag_id ON checkouts (bag_id, created_at);

-- Orders: one per paid PaymentIntent, whichever path records it first.
CREATE TABLE orders (
    id              INTEGER PRIMARY KEY,
    order_number    TEXT    NOT NULL UNIQUE
                    CHECK (length(order_number) = 32 AND order_number NOT GLOB '*[^0-9A-F]*'),
    stripe_pid      TEXT    NOT NULL UNIQUE,
    status          TEXT    NOT NULL DEFAULT 'paid'
                    CHECK (status IN ('paid', 'shipped', 'refunded', 'partially_refunded', 'disputed')),
    -- which path recorded it: the order form, the webhook, or a later look
    -- at Stripe (the checkout page finding its payment already made)
    source          TEXT    NOT NULL CHECK (source IN ('form', 'webhook', 'reconcile')),
    full_name       TEXT,
    email           TEXT,
    phone_number    TEXT,
    country         TEXT,
    postcode        TEXT,
    town_or_city    TEXT,
    street_address1 TEXT,
    street_address2 TEXT,
    county          TEXT,
    -- the bag as paid, as JSON [[product_id, size, quantity, unit_price], ...]
    original_bag    TEXT    NOT NULL,
    order_total     INTEGER NOT NULL,
    delivery_cost   INTEGER NOT NULL,
    grand_total     INTEGER NOT NULL,
    amount_paid     INTEGER NOT NULL,
    currency        TEXT    NOT NULL,
    -- why the owner should look at this order; NULL when all is well
    review_reason   TEXT,
    save_info       INTEGER NOT NULL DEFAULT 0 CHECK (save_info IN (0, 1)),
    username        TEXT,
    created_at      TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX orders_created_at ON orders (created_at);

CREATE TABLE order_line_items (
    id             INTEGER PRIMARY KEY,
    order_id       INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    product_id     INTEGER REFERENCES products (id) ON DELETE SET NULL,
    product_size   TEXT,
    quantity       INTEGER NOT NULL CHECK (quantity > 0),
    unit_price     INTEGER NOT NULL CHECK (unit_price >= 0),
    lineitem_total INTEGER NOT NULL,
    -- the product as it was when ordered
    product_name   TEXT    NOT NULL,
    sku            TEXT    NOT NULL
);

CREATE INDEX order_line_items_order_id ON order_line_items (order_id);
CREATE INDEX order_line_items_product_id ON order_line_items (product_id);
