-- Remote desktops (docs/desktop.md): credentials stored for a device's VNC or RDP service, set by the users who
-- manage the device. Portable SQL for H2 and PostgreSQL.
-- password_sealed: AES-256-GCM with the key in <data-dir>/secrets/desktop-key, bound to "<device id>/<service name>"
-- (a value copied onto another row does not decrypt); null: none stored (the viewer then asks when the server wants
-- one). The service name is the agent's; a service that disappears from the agent's list keeps its row until a
-- manager clears it.
create table desktop_credential (
    device_id       varchar(36)  not null references device (id),
    service_name    varchar(64)  not null,
    username        varchar(200),
    password_sealed varchar(600),
    domain_name     varchar(200),
    updated_at      timestamp with time zone not null,
    updated_by      varchar(160) not null,
    primary key (device_id, service_name)
);
