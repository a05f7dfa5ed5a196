package dev.gangway.portal.relay;

/**
 * Whether a user may still open a stream to a device, checked once more for every stream before a ticket is signed:
 * a right removed or a user disabled refuses the next stream even where a page or a session checked before.
 */
public interface DeviceOwnership {

    /**
     * Whether the device exists in the account and the user (by name, within that account; enabled, not expired)
     * holds the right to open its web HMIs.
     */
    boolean mayOpenWeb(String deviceId, String accountId, String username);

    /**
     * Whether the device exists in the account and the user (by name, within that account; enabled, not expired)
     * holds "Remote desktop: view only" or "Remote desktop: control" on it. Refuses unless implemented.
     */
    default boolean mayOpenDesktop(String deviceId, String accountId, String username) {
        return false;
    }
}
