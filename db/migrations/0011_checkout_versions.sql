-- Every change to a bag's lines moves its version on, so a checkout can
-- tell whether the bag is still the one a page showed.
ALTER TABLE bags ADD COLUMN version INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER bag_lines_insert_version AFTER INSERT ON bag_lines
BEGIN UPDATE bags SET version = version + 1 WHERE id = NEW.bag_id; END;
CREATE TRIGGER bag_lines_update_version AFTER UPDATE ON bag_lines
BEGIN UPDATE bags SET version = version + 1 WHERE id = NEW.bag_id; END;
CREATE TRIGGER bag_lines_delete_version AFTER DELETE ON bag_lines
BEGIN UPDATE bags SET version = version + 1 WHERE id = OLD.bag_id; END;

-- What the shop itself put in each PaymentIntent: the bag as it priced it
-- (EncodeBag's form), at which version of the bag, for which account;
-- and when the shopper's browser was last told to confirm the payment.
-- Fulfilment checks the payment against these, not against its metadata
-- alone.
ALTER TABLE checkouts ADD COLUMN bag TEXT;
ALTER TABLE checkouts ADD COLUMN bag_version INTEGER;
ALTER TABLE checkouts ADD COLUMN user_id INTEGER REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE checkouts ADD COLUMN confirming_at TEXT;
