package dev.gangway.portal.device;

import dev.gangway.portal.account.PhoneNumbers;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.hibernate.annotations.DynamicUpdate;

/** A machine's device agent as the portal knows it: created by a user, then registered with an activation key. */
@Entity
@Table(name = "device")
// Updates write only the columns that changed: the tunnel events' "last seen" update, which reads the row without a
// lock, must not write back a key-switch state (or a name) that another transaction committed meanwhile.
@DynamicUpdate
public class Device {

    /** Upper bound for the stored services JSON. */
    static final int MAX_SERVICES_JSON = 20000;

    @Id
    @Column(length = 36)
    private String id;

    @Column(name = "account_id", nullable = false, length = 36)
    private String accountId;

    @Column(nullable = false, length = 100)
    private String name;

    /** The machine's serial as the agent reported it at registration; null until registered. */
    @Column(length = 64)
    private String serial;

    @Column(name = "agent_version", length = 64)
    private String agentVersion;

    @Column(length = 255)
    private String hostname;

    /** The services of the agent's last agent-info answer, as JSON, so the device page lists them offline too. */
    @Column(name = "services_json", length = MAX_SERVICES_JSON)
    private String servicesJson;

    /** Which relay the device dials; null means the embedded one. */
    @Column(name = "relay_id", length = 64)
    private String relayId;

    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    @Column(name = "registered_at")
    private Instant registeredAt;

    @Column(name = "last_seen_at")
    private Instant lastSeenAt;

    /** The site's key switch is off (as the agent last reported, signed): remote access disabled on site. */
    @Column(name = "site_access_disabled", nullable = false)
    private boolean siteAccessDisabled;

    /** The agent's time of the latest accepted site-access report; older reports are refused. */
    @Column(name = "site_access_reported_at")
    private Instant siteAccessReportedAt;

    /** When the portal saw remote access on site change last. */
    @Column(name = "site_access_changed_at")
    private Instant siteAccessChangedAt;

    /**
     * Connects only when woken (a cellular site billed per megabyte): its agent keeps no tunnel and no keepalive while
     * idle, a user's Connect sends it a wake-up SMS, and it hangs up after an idle time (docs/on-demand.md).
     */
    @Column(name = "on_demand", nullable = false)
    private boolean onDemand;

    /** The phone number of the device's SIM in international form ({@code +491701234567}); null: none known. */
    @Column(name = "phone_number", length = PhoneNumbers.MAX_LENGTH)
    private String phoneNumber;

    protected Device() {
    }

    Device(String accountId, String name, Instant createdAt) {
        this.id = UUID.randomUUID().toString();
        this.accountId = accountId;
        this.name = name;
        this.createdAt = createdAt;
    }

    void registered(String serial, String agentVersion, Instant at) {
        this.serial = serial;
        this.agentVersion = agentVersion;
        this.registeredAt = at;
    }

    void rename(String name) {
        this.name = name;
    }

    /**
     * Sets how the device connects and its SIM's phone number.
     *
     * @param phoneNumber in the stored form ({@link PhoneNumbers#normalise}), or null for none
     * @return whether anything changed
     */
    boolean connection(boolean onDemand, String phoneNumber) {
        if (phoneNumber != null && !PhoneNumbers.isNormalised(phoneNumber)) {
            throw new IllegalArgumentException("phone number not in international form: use PhoneNumbers.normalise");
        }
        boolean changed = onDemand != this.onDemand || !Objects.equals(phoneNumber, this.phoneNumber);
        this.onDemand = onDemand;
        this.phoneNumber = phoneNumber;
        return changed;
    }

    void seen(Instant at) {
        this.lastSeenAt = at;
    }

    void agentInfo(String agentVersion, String hostname, String servicesJson) {
        if (agentVersion != null) {
            this.agentVersion = agentVersion;
        }
        this.hostname = hostname;
        this.servicesJson = servicesJson;
    }

    /**
     * Records a site-access report of the agent, dated {@code reportedAt} by the agent.
     *
     * @return whether remote access on site changed
     */
    boolean siteAccess(boolean disabled, Instant reportedAt, Instant now) {
        this.siteAccessReportedAt = reportedAt;
        if (disabled == siteAccessDisabled) {
            return false;
        }
        this.siteAccessDisabled = disabled;
        this.siteAccessChangedAt = now;
        return true;
    }

    public String getId() {
        return id;
    }

    public String getAccountId() {
        return accountId;
    }

    public String getName() {
        return name;
    }

    public String getSerial() {
        return serial;
    }

    public String getAgentVersion() {
        return agentVersion;
    }

    public String getHostname() {
        return hostname;
    }

    String getServicesJson() {
        return servicesJson;
    }

    public String getRelayId() {
        return relayId;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public Instant getRegisteredAt() {
        return registeredAt;
    }

    public Instant getLastSeenAt() {
        return lastSeenAt;
    }

    /** Whether the site's key switch is off (remote access disabled on site), as the agent last reported. */
    public boolean isSiteAccessDisabled() {
        return siteAccessDisabled;
    }

    Instant getSiteAccessReportedAt() {
        return siteAccessReportedAt;
    }

    public Instant getSiteAccessChangedAt() {
        return siteAccessChangedAt;
    }

    /** Whether the device connects only when woken (wake-up SMS), not always. */
    public boolean isOnDemand() {
        return onDemand;
    }

    /** The phone number of the device's SIM ({@code +491701234567}), or null. */
    public String getPhoneNumber() {
        return phoneNumber;
    }
}
