-- The catalog: categories and the products in them.
-- Prices are integer cents; ratings are tenths of a star (0..50).

CREATE TABLE categories (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE CHECK (name <> ''),
    friendly_name TEXT    NOT NULL CHECK (friendly_name <> '')
);

-- Pictures are served at /images/{id}/ and cached by browsers for good, so
-- an id is never reused (AUTOINCREMENT): a new picture is a new row.
CREATE TABLE images (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    content_type TEXT    NOT NULL,
    sha256       TEXT    NOT NULL,
    data         BLOB    NOT NULL
);

CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    category_id INTEGER REFERENCES categories (id) ON DELETE SET NULL,
    sku         TEXT    NOT NULL UNIQUE CHECK (sku <> ''),
    name        TEXT    NOT NULL CHECK (name <> ''),
    description TEXT    NOT NULL DEFAULT '',
    has_sizes   INTEGER NOT NULL DEFAULT 0 CHECK (has_sizes IN (0, 1)),
    price       INTEGER NOT NULL CHECK (price >= 0),
    rating      INTEGER CHECK (rating BETWEEN 0 AND 50),
    image_id    INTEGER REFERENCES images (id) ON DELETE SET NULL
);

CREATE INDEX products_category_id ON products (category_id);

-- Small facts about this shop's database, such as whether the demo
-- catalog has been loaded (so it is never loaded twice).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
