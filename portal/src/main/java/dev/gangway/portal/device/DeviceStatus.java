package dev.gangway.portal.device;

/**
 * What the portal shows about a device's connection: online (it holds a tunnel), remote access disabled on site (no
 * tunnel, and its agent reported the site's key switch off), asleep (an on-demand device without a tunnel: it dials
 * in when woken, see docs/on-demand.md), or offline.
 */
public enum DeviceStatus {
    ONLINE("online", "online"),
    SITE_DISABLED("site-disabled", "remote access disabled on site"),
    ASLEEP("asleep", "asleep (on demand)"),
    OFFLINE("offline", "offline");

    private final String wire;
    private final String label;

    DeviceStatus(String wire, String label) {
        this.wire = wire;
        this.label = label;
    }

    /**
     * The status in JSON and in {@code data-status} attributes: {@code online}, {@code site-disabled}, {@code asleep},
     * {@code offline}.
     */
    public String wire() {
        return wire;
    }

    /** The status in the user's words, as pages show it. */
    public String label() {
        return label;
    }

    public boolean isOnline() {
        return this == ONLINE;
    }

    /** Whether a Connect would wake the device (an on-demand device without a tunnel, its key switch on). */
    public boolean isAsleep() {
        return this == ASLEEP;
    }

    /**
     * A tunnel wins: an agent only connects while its key switch is on; the key switch wins over on demand (a wake-up
     * cannot turn it on).
     */
    static DeviceStatus of(boolean online, boolean siteAccessDisabled, boolean onDemand) {
        return online ? ONLINE : siteAccessDisabled ? SITE_DISABLED : onDemand ? ASLEEP : OFFLINE;
    }
}
