-- Alarms from device agents (docs/alarms.md) and the users' phone numbers for alarm SMS.
-- Portable SQL for H2 and PostgreSQL.

-- One row per alarm an agent delivered, stored once: (device_id, agent_alarm_id) is unique, so an agent that
-- delivers again after a lost acknowledgement adds nothing. raised_at is the agent's clock, received_at the
-- portal's. sender, subject and text are the device's words (hostile input: shown escaped, capped by the agent
-- protocol: 320, 200 and 8000 characters). dispatched_at: when sending by mail and SMS began; null = not yet.
create table alarm (
    id              varchar(36)   primary key,
    device_id       varchar(36)   not null references device (id),
    account_id      varchar(36)   not null references account (id),
    agent_alarm_id  varchar(64)   not null,
    sequence        bigint        not null,
    raised_at       timestamp with time zone not null,
    received_at     timestamp with time zone not null,
    source          varchar(16)   not null,
    sender          varchar(320)  not null,
    subject         varchar(200)  not null,
    text            varchar(8000) not null,
    dispatched_at   timestamp with time zone,
    constraint uq_alarm_device_agent_alarm unique (device_id, agent_alarm_id)
);
create index ix_alarm_account_device_received on alarm (account_id, device_id, received_at);
create index ix_alarm_dispatched on alarm (dispatched_at);

-- Optional, international form (+491701234567): where the user's alarm SMS go.
alter table app_user add column phone_number varchar(16);
