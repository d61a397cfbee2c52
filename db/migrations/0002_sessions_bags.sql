-- Sessions, as scs's SQLite store reads and writes them.
CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry REAL NOT NULL
);

CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- A shopper's bag. Its id lives in the shopper's session; its lines live
-- here, so that every change is one atomic statement and two requests on
-- the same session can never overwrite each other's changes.
CREATE TABLE bags (
    id         TEXT PRIMARY KEY CHECK (length(id) = 32),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- One line per product and size; size is '' for products without sizes.
CREATE TABLE bag_lines (
    bag_id     TEXT    NOT NULL REFERENCES bags (id) ON DELETE CASCADE,
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    size       TEXT    NOT NULL DEFAULT '' CHECK (size IN ('', 'XS', 'S', 'M', 'L', 'XL')),
    quantity   INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    added_at   TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    PRIMARY KEY (bag_id, product_id, size)
);

CREATE INDEX bag_lines_product_id ON bag_lines (product_id);
