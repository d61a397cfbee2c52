-- An account's sessions carry the generation they were signed in at; a
-- password change or reset moves it on, which signs out every session of
-- an older one.
ALTER TABLE users ADD COLUMN session_gen INTEGER NOT NULL DEFAULT 0;
