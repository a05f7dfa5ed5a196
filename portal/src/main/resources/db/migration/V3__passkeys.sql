-- Passkeys (WebAuthn) as a second factor, an alternative to the authenticator app (sign-in part; docs/accounts.md).
-- Binary WebAuthn values are stored as base64url text: the same column types on H2 and PostgreSQL.

-- Changes whenever a passkey is added or removed: part of the stamp that ends the user's other sessions.
alter table app_user add column passkeys_changed_at timestamp with time zone;

-- The WebAuthn user handle of a portal user: 32 random bytes (base64url), made at the first registration. The
-- user entity's name is the app_user id (user names are unique per account only), never the bare user name.
create table passkey_user (
    user_id     varchar(36)  primary key references app_user (id),
    handle      varchar(64)  not null,
    created_at  timestamp with time zone not null,
    constraint uq_passkey_user_handle unique (handle)
);

-- One registered authenticator (credential) of a user.
create table passkey (
    id                  varchar(36)    primary key,
    user_id             varchar(36)    not null references app_user (id),
    credential_id       varchar(1400)  not null,
    label               varchar(64)    not null,
    credential_type     varchar(32)    not null,
    public_key          varchar(4000)  not null,
    signature_count     bigint         not null,
    uv_initialized      boolean        not null,
    backup_eligible     boolean        not null,
    backup_state        boolean        not null,
    transports          varchar(200)   not null,
    attestation_object  varchar(16000) not null,
    client_data_json    varchar(4000)  not null,
    created_at          timestamp with time zone not null,
    last_used_at        timestamp with time zone,
    constraint uq_passkey_credential unique (credential_id)
);
create index ix_passkey_user on passkey (user_id);
