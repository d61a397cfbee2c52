-- The shop's own pages, written by the owner in Markdown: about,
-- delivery and returns, privacy, terms and contact. They start as
-- templates to fill in; {contact_email} and {free_delivery_threshold}
-- show the shop's settings.
CREATE TABLE pages (
    slug       TEXT PRIMARY KEY CHECK (slug IN ('about', 'delivery', 'privacy', 'terms', 'contact')),
    title      TEXT NOT NULL CHECK (length(title) BETWEEN 1 AND 80),
    body       TEXT NOT NULL CHECK (length(body) <= 20000),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

INSERT INTO pages (slug, title, body) VALUES
('about', 'About us',
'We are a small shop selling clothing and homeware made to last.

*Owner: tell shoppers who you are, where you work from and what you stand for.*'),
('delivery', 'Delivery & returns',
'## Delivery

Delivery is free on orders of {free_delivery_threshold} or more. We send every order within two working days and email you when it leaves, with its tracking note.

## Returns

You can return anything unworn and unused within 30 days of delivery for a full refund. Write to {contact_email} with your order number and we will tell you where to send it.

*Owner: check these terms against what you really offer.*'),
('privacy', 'Privacy',
'We keep only what we need to take and deliver your orders: your name, email address, delivery address and phone number, and, if you open an account, your username and a hash of your password.

Card details go straight to our payment provider, Stripe, and never reach us.

We do not sell or share your details. To see or delete what we hold about you, write to {contact_email}.

*Owner: have this checked against the law where you trade.*'),
('terms', 'Terms',
'By ordering from this shop you agree to pay the price shown at checkout, including delivery. A contract is made when we confirm your order by email.

*Owner: have your terms of sale written or checked for where you trade.*'),
('contact', 'Contact',
'Write to us at {contact_email}. We answer within one working day.

*Owner: add a postal address and a phone number if you have them.*');
