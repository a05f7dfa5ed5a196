-- Accounts, users, groups, pools and rights; sign-in protections; the connection report.
-- Portable SQL for H2 and PostgreSQL. See docs/accounts.md.

-- Per-account policies (defaults as documented in docs/accounts.md).
alter table account add column password_min_length   int     default 12    not null;
alter table account add column password_min_classes  int     default 3     not null;
alter table account add column password_max_age_days int     default 0     not null;
alter table account add column password_history      int     default 5     not null;
alter table account add column lockout_threshold     int     default 10    not null;
alter table account add column lockout_minutes       int     default 15    not null;
alter table account add column session_idle_minutes  int     default 30    not null;
alter table account add column session_absolute_hours int    default 12    not null;
alter table account add column require_two_factor    boolean default false not null;
alter table account add column remember_browser_days int     default 30    not null;

alter table app_user add column email                varchar(254);
alter table app_user add column account_admin        boolean default false not null;
alter table app_user add column expires_at           timestamp with time zone;
alter table app_user add column password_changed_at  timestamp with time zone;
alter table app_user add column must_change_password boolean default false not null;
alter table app_user add column require_two_factor   boolean default false not null;
alter table app_user add column failed_attempts      int     default 0     not null;
alter table app_user add column locked_until         timestamp with time zone;
alter table app_user add column totp_secret          varchar(255);
alter table app_user add column totp_last_step       bigint  default 0     not null;
alter table app_user add column totp_enabled_at      timestamp with time zone;

-- Every user before this migration is the first administrator of an account.
update app_user set account_admin = true, password_changed_at = created_at;

create table password_history (
    id             varchar(36)  primary key,
    user_id        varchar(36)  not null references app_user (id),
    password_hash  varchar(255) not null,
    created_at     timestamp with time zone not null
);
create index ix_password_history_user on password_history (user_id);

-- One-time links that set a password: invitations and resets. Only hashes of the tokens are kept.
create table password_token (
    id          varchar(36) primary key,
    user_id     varchar(36) not null references app_user (id),
    token_hash  varchar(64) not null,
    purpose     varchar(16) not null,
    created_at  timestamp with time zone not null,
    expires_at  timestamp with time zone not null,
    used_at     timestamp with time zone,
    constraint uq_password_token_hash unique (token_hash)
);
create index ix_password_token_user on password_token (user_id);

create table recovery_code (
    id          varchar(36) primary key,
    user_id     varchar(36) not null references app_user (id),
    code_hash   varchar(64) not null,
    created_at  timestamp with time zone not null,
    used_at     timestamp with time zone
);
create index ix_recovery_code_user on recovery_code (user_id);

-- "Remember this browser": a random token in a cookie, its hash here.
create table trusted_browser (
    id          varchar(36)  primary key,
    user_id     varchar(36)  not null references app_user (id),
    token_hash  varchar(64)  not null,
    user_agent  varchar(200),
    created_at  timestamp with time zone not null,
    expires_at  timestamp with time zone not null,
    constraint uq_trusted_browser_hash unique (token_hash)
);
create index ix_trusted_browser_user on trusted_browser (user_id);

create table user_group (
    id          varchar(36) primary key,
    account_id  varchar(36) not null references account (id),
    name        varchar(64) not null,
    created_at  timestamp with time zone not null,
    constraint uq_user_group_account_name unique (account_id, name)
);

create table group_member (
    group_id  varchar(36) not null references user_group (id),
    user_id   varchar(36) not null references app_user (id),
    primary key (group_id, user_id)
);
create index ix_group_member_user on group_member (user_id);

create table device_pool (
    id          varchar(36) primary key,
    account_id  varchar(36) not null references account (id),
    name        varchar(64) not null,
    created_at  timestamp with time zone not null,
    constraint uq_device_pool_account_name unique (account_id, name)
);

create table pool_device (
    pool_id    varchar(36) not null references device_pool (id),
    device_id  varchar(36) not null references device (id),
    primary key (pool_id, device_id)
);
create index ix_pool_device_device on pool_device (device_id);

-- A right granted to a group on a pool; right_name is one of dev.gangway.portal.rights.Right.
create table pool_right (
    group_id    varchar(36) not null references user_group (id),
    pool_id     varchar(36) not null references device_pool (id),
    right_name  varchar(32) not null,
    primary key (group_id, pool_id, right_name)
);
create index ix_pool_right_pool on pool_right (pool_id);

-- The connection report: one row per HMI session, desktop session or client forward.
create table connection_record (
    id              varchar(36)  primary key,
    account_id      varchar(36)  not null references account (id),
    user_id         varchar(36),
    username        varchar(160) not null,
    device_id       varchar(36),
    device_name     varchar(100) not null,
    service         varchar(64)  not null,
    kind            varchar(16)  not null,
    client_address  varchar(64),
    started_at      timestamp with time zone not null,
    ended_at        timestamp with time zone,
    bytes_in        bigint       default 0 not null,
    bytes_out       bigint       default 0 not null,
    end_reason      varchar(200)
);
create index ix_connection_record_account_started on connection_record (account_id, started_at);

create index ix_audit_event_account_occurred on audit_event (account_id, occurred_at);
