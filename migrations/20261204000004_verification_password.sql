-- A verification token carries the password chosen at the registration that sent it, so an
-- unverified account cannot be pre-claimed with someone else's password: the password that counts
-- is the one of the registration whose link the mailbox owner follows.
ALTER TABLE one_time_tokens ADD COLUMN password_hash text;
