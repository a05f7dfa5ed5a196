package dev.gangway.portal.device;

/**
 * What the portal shows about a device's connection: online (it holds a tunnel), remote access disabled on site (no
 * tunnel, and its agent reported the site's key switch off), or offline.
 */
public enum DeviceStatus {
    ONLINE("online", "online"),
    SITE_DISABLED("site-disabled", "remote access disabled on site"),
    OFFLINE("offline", "offline");

    private final String wire;
    private final String label;

    DeviceStatus(String wire, String label) {
        this.wire = wire;
        this.label = label;
    }

    /** The status in JSON and in {@code data-status} attributes: {@code online}, {@code site-disabled}, {@code offline}. */
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

    /** A tunnel wins: an agent only connects while its key switch is on. */
    static DeviceStatus of(boolean online, boolean siteAccessDisabled) {
        return online ? ONLINE : siteAccessDisabled ? SITE_DISABLED : OFFLINE;
    }
}
