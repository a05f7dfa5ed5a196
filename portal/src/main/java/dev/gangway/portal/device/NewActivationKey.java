package dev.gangway.portal.device;

import java.time.Instant;

/**
 * A freshly created activation key: the only moment its text exists outside the user's hands.
 *
 * @param deviceId the device it registers
 * @param key the key text ({@code ABCD-EFGH-...})
 * @param expiresAt when it stops working
 */
record NewActivationKey(String deviceId, String key, Instant expiresAt) {

    @Override
    public String toString() {
        return "NewActivationKey[deviceId=" + deviceId + ", expiresAt=" + expiresAt + "]";
    }
}
