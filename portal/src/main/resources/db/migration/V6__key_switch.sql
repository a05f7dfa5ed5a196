-- The site's key switch (docs/device-agent.md "Key switch"): the agent reports, signed with its device key, whether
-- remote access is enabled on site. site_access_disabled is what the portal shows while the device has no tunnel
-- ("remote access disabled on site" instead of "offline"); site_access_reported_at is the agent's time of the latest
-- accepted report (older or replayed reports are refused); site_access_changed_at is when the portal saw the change.
alter table device add column site_access_disabled boolean default false not null;
alter table device add column site_access_reported_at timestamp with time zone;
alter table device add column site_access_changed_at timestamp with time zone;
