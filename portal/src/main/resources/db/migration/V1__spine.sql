-- Gangway spine: accounts, users, devices, activation keys, device certificates, audit trail.
-- Portable SQL for H2 and PostgreSQL. Ids are UUIDs as text; instants are UTC timestamps.

create table account (
    id          varchar(36)  primary key,
    name        varchar(64)  not null,
    created_at  timestamp with time zone not null,
    constraint uq_account_name unique (name)
);

create table app_user (
    id             varchar(36)  primary key,
    account_id     varchar(36)  not null references account (id),
    username       varchar(64)  not null,
    password_hash  varchar(255) not null,
    enabled        boolean      not null,
    created_at     timestamp with time zone not null,
    constraint uq_app_user_account_username unique (account_id, username)
);

create table device (
    id             varchar(36)  primary key,
    account_id     varchar(36)  not null references account (id),
    name           varchar(100) not null,
    serial         varchar(64),
    agent_version  varchar(64),
    hostname       varchar(255),
    services_json  varchar(20000),
    relay_id       varchar(64),
    created_at     timestamp with time zone not null,
    registered_at  timestamp with time zone,
    last_seen_at   timestamp with time zone
);
create index ix_device_account on device (account_id);

create table activation_key (
    id          varchar(36) primary key,
    device_id   varchar(36) not null references device (id),
    key_hash    varchar(64) not null,
    created_at  timestamp with time zone not null,
    expires_at  timestamp with time zone not null,
    used_at     timestamp with time zone,
    constraint uq_activation_key_hash unique (key_hash)
);
create index ix_activation_key_device on activation_key (device_id);

create table device_certificate (
    serial         varchar(64)  primary key,
    device_id      varchar(36)  not null references device (id),
    account_id     varchar(36)  not null references account (id),
    device_serial  varchar(64)  not null,
    issued_at      timestamp with time zone not null,
    not_after      timestamp with time zone not null,
    revoked_at     timestamp with time zone,
    revoke_reason  varchar(200)
);
create index ix_device_certificate_device on device_certificate (device_id);
create index ix_device_certificate_account_serial on device_certificate (account_id, device_serial);

create table audit_event (
    id           varchar(36)   primary key,
    occurred_at  timestamp with time zone not null,
    actor        varchar(160),
    account_id   varchar(36),
    address      varchar(64),
    device_id    varchar(36),
    action       varchar(64)   not null,
    result       varchar(32)   not null,
    detail       varchar(1000)
);
create index ix_audit_event_occurred on audit_event (occurred_at);
