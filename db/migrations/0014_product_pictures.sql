-- A product's pictures, in the owner's order; the first is its main one,
-- which products.image_id names too (the shop keeps the two in step). A
-- product made with a picture gets it as its first.
CREATE TABLE product_images (
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    image_id   INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    PRIMARY KEY (product_id, image_id)
);
INSERT INTO product_images (product_id, image_id, position)
SELECT id, image_id, 0 FROM products WHERE image_id IS NOT NULL;

CREATE TRIGGER products_first_picture AFTER INSERT ON products WHEN NEW.image_id IS NOT NULL
BEGIN INSERT OR IGNORE INTO product_images (product_id, image_id, position) VALUES (NEW.id, NEW.image_id, 0); END;

-- Smaller copies of uploaded (raster) pictures, for srcset: served at
-- /images/{id}/?w=WIDTH.
CREATE TABLE image_variants (
    image_id     INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    width        INTEGER NOT NULL,
    content_type TEXT    NOT NULL,
    data         BLOB    NOT NULL,
    PRIMARY KEY (image_id, width)
);
