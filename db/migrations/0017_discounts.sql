-- Discount codes: a whole percentage or an amount off (one of them), from
-- a minimum spend on the items, on the items alone or with delivery,
-- between optional dates, for a limited number of orders in all and per
-- customer (by email) when set.
CREATE TABLE discount_codes (
    id               INTEGER PRIMARY KEY,
    code             TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (code <> '' AND length(code) <= 40),
    percent          INTEGER CHECK (percent BETWEEN 1 AND 100),
    amount           INTEGER CHECK (amount > 0),
    min_spend        INTEGER NOT NULL DEFAULT 0 CHECK (min_spend >= 0),
    delivery         INTEGER NOT NULL DEFAULT 0 CHECK (delivery IN (0, 1)),
    starts_at        TEXT,
    ends_at          TEXT,
    max_uses         INTEGER CHECK (max_uses > 0),
    max_per_customer INTEGER CHECK (max_per_customer > 0),
    created_at       TEXT    NOT NULL,
    CHECK ((percent IS NULL) <> (amount IS NULL))
);

-- The code a shopper entered for their bag. Changing it changes the bag:
-- its version moves, as for a line.
ALTER TABLE bags ADD COLUMN discount_code TEXT;

-- The code and discount the shop put in a checkout's PaymentIntent.
ALTER TABLE checkouts ADD COLUMN discount_code TEXT;
ALTER TABLE checkouts ADD COLUMN discount INTEGER NOT NULL DEFAULT 0;

-- The code an order was paid with, and what it took off: grand_total is
-- order_total + delivery_cost - discount.
ALTER TABLE orders ADD COLUMN discount_code TEXT;
ALTER TABLE orders ADD COLUMN discount INTEGER NOT NULL DEFAULT 0;

-- The uses of a code: held for a PaymentIntent while its shopper pays
-- (until expires_at), and an order's once it is recorded (order_id set,
-- expires_at NULL). One a payment, so an order counts once.
CREATE TABLE discount_uses (
    payment_intent_id TEXT    PRIMARY KEY,
    code_id           INTEGER NOT NULL REFERENCES discount_codes (id) ON DELETE CASCADE,
    email             TEXT    COLLATE NOCASE,
    order_id          INTEGER REFERENCES orders (id) ON DELETE SET NULL,
    expires_at        TEXT
);

CREATE INDEX discount_uses_code ON discount_uses (code_id, email);
