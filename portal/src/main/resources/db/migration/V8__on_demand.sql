-- On-demand devices (docs/on-demand.md): a device that connects only when woken by an SMS, and its wake-ups.
-- Portable SQL for H2 and PostgreSQL.

-- on_demand: its agent keeps no tunnel while idle; the portal shows it "asleep (on demand)" and a Connect sends a
-- wake-up SMS to phone_number (international form, +491701234567; null: none known, then it cannot be woken).
alter table device add column on_demand boolean default false not null;
alter table device add column phone_number varchar(16);

-- One row per wake-up a user asked for (web Connect or client API). wake_time is the epoch second in the signed SMS
-- (strictly increasing per device: the agent refuses a time not after the last one it accepted). state: sms-sent,
-- dialling, online, failed. failure (when failed): sms-refused, no-answer. sms_detail: the gateway's answer in
-- words. ended_at/end_reason: when and why the tunnel it brought up went down (idle timeout, sent offline, ...).
create table device_wake (
    id            varchar(36)  primary key,
    account_id    varchar(36)  not null references account (id),
    device_id     varchar(36)  not null references device (id),
    requested_by  varchar(160) not null,
    requested_via varchar(16)  not null,
    requested_at  timestamp with time zone not null,
    wake_time     bigint       not null,
    state         varchar(16)  not null,
    failure       varchar(32),
    sms_detail    varchar(300),
    sms_sent_at   timestamp with time zone,
    dialling_at   timestamp with time zone,
    online_at     timestamp with time zone,
    ended_at      timestamp with time zone,
    end_reason    varchar(200),
    constraint uq_device_wake_time unique (device_id, wake_time)
);
create index ix_device_wake_device_requested on device_wake (device_id, requested_at);
