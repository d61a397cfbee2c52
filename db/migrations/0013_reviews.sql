-- Reviews by buyers replace the rating the owner used to type: a
-- signed-in shopper who bought a product may rate and review it once;
-- the owner may hide a review. products.rating (tenths of a star) and
-- products.review_count are kept from the visible reviews by the shop.
CREATE TABLE reviews (
    id         INTEGER PRIMARY KEY,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    stars      INTEGER NOT NULL CHECK (stars BETWEEN 1 AND 5),
    body       TEXT    NOT NULL CHECK (length(body) <= 2000),
    created_at TEXT    NOT NULL,
    hidden_at  TEXT,
    UNIQUE (product_id, user_id)
);
CREATE INDEX reviews_product ON reviews (product_id, created_at);

ALTER TABLE products ADD COLUMN review_count INTEGER NOT NULL DEFAULT 0;

-- No review stands behind a typed rating: it goes.
UPDATE products SET rating = NULL;
