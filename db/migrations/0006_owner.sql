-- A product that past orders name is archived rather than deleted: hidden
-- from the catalog, kept for the orders.
ALTER TABLE products ADD COLUMN archived_at TEXT;

-- Each change of an order's status, with the note that came with it.
CREATE TABLE order_status_history (
    id         INTEGER PRIMARY KEY,
    order_id   INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    status     TEXT    NOT NULL,
    note       TEXT,
    changed_by TEXT,
    changed_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX order_status_history_order_id ON order_status_history (order_id, id);
