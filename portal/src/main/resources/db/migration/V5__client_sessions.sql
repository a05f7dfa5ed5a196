-- Sessions and certificates of the Gangway client (client API; docs/client-api.md).
-- Portable SQL for H2 and PostgreSQL.

-- A signed-in client: only the SHA-256 of its bearer token is kept. credentials_stamp is the user's password and
-- second factor at sign-in (a change ends the session at its next use). ended_at/end_reason: sign-out, idle or
-- absolute timeout, the user's access ended.
create table client_session (
    id                 varchar(36)  primary key,
    account_id         varchar(36)  not null references account (id),
    user_id            varchar(36)  not null references app_user (id),
    token_hash         varchar(64)  not null,
    credentials_stamp  varchar(64)  not null,
    client_address     varchar(64),
    created_at         timestamp with time zone not null,
    expires_at         timestamp with time zone not null,
    last_used_at       timestamp with time zone not null,
    ended_at           timestamp with time zone,
    end_reason         varchar(200),
    constraint uq_client_session_token unique (token_hash)
);
create index ix_client_session_user on client_session (user_id);

-- A short-lived client certificate issued to a session (the key never leaves the client). The relay admits a
-- stream only on a certificate that is listed here, valid, and whose session is live.
create table client_certificate (
    fingerprint  varchar(64)  primary key,
    session_id   varchar(36)  not null references client_session (id),
    serial       varchar(64)  not null,
    issued_at    timestamp with time zone not null,
    not_after    timestamp with time zone not null
);
create index ix_client_certificate_session on client_certificate (session_id);
