package dev.gangway.portal.relay;

/** Which account a device belongs to, so streams are checked once more before a ticket is signed. */
public interface DeviceOwnership {

    /** Whether the device exists and belongs to the account. */
    boolean isInAccount(String deviceId, String accountId);
}
