-- Stock: how many of a product, in a size ('' for a product without
-- sizes), the shop has on hand. A product and size without a row is not
-- tracked, and always for sale.
CREATE TABLE stock (
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    size       TEXT    NOT NULL DEFAULT '',
    on_hand    INTEGER NOT NULL CHECK (on_hand >= 0),
    PRIMARY KEY (product_id, size)
) WITHOUT ROWID;

-- What a checkout holds back while its shopper pays: written when the
-- browser is told to confirm the payment (cache_checkout_data), taken
-- into the order when the payment is recorded, and let go when the
-- payment fails or the hold runs out.
CREATE TABLE stock_holds (
    payment_intent_id TEXT    NOT NULL,
    product_id        INTEGER NOT NULL,
    size              TEXT    NOT NULL,
    quantity          INTEGER NOT NULL CHECK (quantity > 0),
    expires_at        TEXT    NOT NULL,
    PRIMARY KEY (payment_intent_id, product_id, size)
) WITHOUT ROWID;

CREATE INDEX stock_holds_product ON stock_holds (product_id, size, expires_at);

-- Every change to stock, with its reason: an order, a refund put back,
-- or the owner's count.
CREATE TABLE stock_history (
    id         INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL,
    size       TEXT    NOT NULL,
    change     INTEGER NOT NULL,
    -- on hand after the change; NULL when the owner stopped tracking it
    on_hand    INTEGER,
    reason     TEXT    NOT NULL,
    order_id   INTEGER REFERENCES orders (id) ON DELETE SET NULL,
    changed_by TEXT,
    changed_at TEXT    NOT NULL
);

CREATE INDEX stock_history_product ON stock_history (product_id, id);
