-- User names are unique in an account ignoring case ("Alice" and "alice" are never two people; docs/accounts.md).
-- The application checks it first for a clear message; this constraint makes it hold under concurrent creations
-- too. username_key is lower(username), set by AppUser whenever the name is set; a plain column and constraint
-- rather than an index on an expression, so the same statements run on H2 and PostgreSQL.
-- An existing account holding two names that differ only in case stops this migration: rename one of them first.
alter table app_user add column username_key varchar(64);
update app_user set username_key = lower(username);
alter table app_user alter column username_key set not null;
alter table app_user add constraint uq_app_user_account_username_key unique (account_id, username_key);
