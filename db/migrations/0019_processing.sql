-- A payment made by a method that settles later (a direct debit) is
-- processing: no order yet, but the shop owes the shopper one if it
-- succeeds. processing_since marks the checkout for the owner's list of
-- payments awaited, until it succeeds (the order completes the checkout)
-- or fails.
ALTER TABLE checkouts ADD COLUMN processing_since TEXT;

CREATE INDEX checkouts_processing ON checkouts (processing_since) WHERE processing_since IS NOT NULL AND completed_at IS NULL;
