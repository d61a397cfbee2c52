-- A sender claims an email before sending it: lease_until is when its
-- claim lapses, so that an email whose sender died is sent again by the
-- next one, and no other sender takes it meanwhile.
ALTER TABLE outbox ADD COLUMN lease_until TEXT;
