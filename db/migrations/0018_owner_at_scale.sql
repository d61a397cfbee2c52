-- The owner's pages at the size of a shop that did well: what they show is
-- kept up to date as orders are written (by the triggers below, in the
-- same transaction), or read through an index, never by scanning every
-- order.

-- Orders and revenue per day (UTC), for the dashboard's chart.
CREATE TABLE sales_days (
    day     TEXT    PRIMARY KEY,
    orders  INTEGER NOT NULL,
    revenue INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO sales_days (day, orders, revenue)
SELECT substr(created_at, 1, 10), COUNT(*), SUM(grand_total) FROM orders GROUP BY substr(created_at, 1, 10);

CREATE TRIGGER orders_sales_day AFTER INSERT ON orders
BEGIN
    INSERT INTO sales_days (day, orders, revenue) VALUES (substr(NEW.created_at, 1, 10), 1, NEW.grand_total)
    ON CONFLICT (day) DO UPDATE SET orders = orders + 1, revenue = revenue + excluded.revenue;
END;

-- Units and revenue of each product as ordered (by its id, 0 once
-- deleted, and its name then), for the best sellers.
CREATE TABLE product_sales (
    product_key  INTEGER NOT NULL,
    product_name TEXT    NOT NULL,
    units        INTEGER NOT NULL,
    revenue      INTEGER NOT NULL,
    PRIMARY KEY (product_key, product_name)
) WITHOUT ROWID;

INSERT INTO product_sales (product_key, product_name, units, revenue)
SELECT COALESCE(product_id, 0), product_name, SUM(quantity), SUM(lineitem_total)
FROM order_line_items GROUP BY COALESCE(product_id, 0), product_name;

CREATE INDEX product_sales_best ON product_sales (units DESC, revenue DESC);

CREATE TRIGGER order_lines_product_sales AFTER INSERT ON order_line_items
BEGIN
    INSERT INTO product_sales (product_key, product_name, units, revenue)
    VALUES (COALESCE(NEW.product_id, 0), NEW.product_name, NEW.quantity, NEW.lineitem_total)
    ON CONFLICT (product_key, product_name) DO UPDATE SET units = units + excluded.units, revenue = revenue + excluded.revenue;
END;

-- How many orders have each status.
CREATE TABLE order_status_counts (
    status TEXT    PRIMARY KEY,
    orders INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO order_status_counts (status, orders) SELECT status, COUNT(*) FROM orders GROUP BY status;

CREATE TRIGGER orders_status_count_insert AFTER INSERT ON orders
BEGIN
    INSERT INTO order_status_counts (status, orders) VALUES (NEW.status, 1)
    ON CONFLICT (status) DO UPDATE SET orders = orders + 1;
END;

CREATE TRIGGER orders_status_count_update AFTER UPDATE OF status ON orders WHEN NEW.status <> OLD.status
BEGIN
    UPDATE order_status_counts SET orders = orders - 1 WHERE status = OLD.status;
    INSERT INTO order_status_counts (status, orders) VALUES (NEW.status, 1)
    ON CONFLICT (status) DO UPDATE SET orders = orders + 1;
END;

CREATE TRIGGER orders_status_count_delete AFTER DELETE ON orders
BEGIN
    UPDATE order_status_counts SET orders = orders - 1 WHERE status = OLD.status;
END;

-- Order lists by status, newest or oldest first; flagged orders; customers
-- by email (exact or its beginning); payments health's newest failures
-- and checkouts.
CREATE INDEX orders_status_created_at ON orders (status, created_at);
CREATE INDEX orders_flagged ON orders (created_at) WHERE review_reason IS NOT NULL;
CREATE INDEX orders_email ON orders (lower(email));
CREATE INDEX payment_failures_failed_at ON payment_failures (failed_at);
CREATE INDEX checkouts_created_at ON checkouts (created_at);

-- The owner's product list: those for sale first, then archived, by id.
CREATE INDEX products_owner_list ON products ((archived_at IS NOT NULL), id);

-- Names and addresses, searched by words (and their beginnings): a full
-- text index over the orders' own columns.
CREATE VIRTUAL TABLE orders_search USING fts5 (
    full_name, street_address1, street_address2, town_or_city, county, postcode,
    content = 'orders', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO orders_search (orders_search) VALUES ('rebuild');

CREATE TRIGGER orders_search_insert AFTER INSERT ON orders
BEGIN
    INSERT INTO orders_search (rowid, full_name, street_address1, street_address2, town_or_city, county, postcode)
    VALUES (NEW.id, NEW.full_name, NEW.street_address1, NEW.street_address2, NEW.town_or_city, NEW.county, NEW.postcode);
END;

CREATE TRIGGER orders_search_delete AFTER DELETE ON orders
BEGIN
    INSERT INTO orders_search (orders_search, rowid, full_name, street_address1, street_address2, town_or_city, county, postcode)
    VALUES ('delete', OLD.id, OLD.full_name, OLD.street_address1, OLD.street_address2, OLD.town_or_city, OLD.county, OLD.postcode);
END;
