-- The address each checkout's PaymentIntent was made for, so that the
-- PaymentIntents one address makes can be limited.
ALTER TABLE checkouts ADD COLUMN client_addr TEXT;
CREATE INDEX checkouts_client_addr ON checkouts (client_addr, created_at);
