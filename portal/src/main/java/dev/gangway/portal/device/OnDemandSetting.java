package dev.gangway.portal.device;

import dev.gangway.portal.account.PhoneNumbers;
import dev.gangway.portal.system.AuditLog;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * How a device connects: always, or on demand (woken by an SMS to its SIM's phone number; docs/on-demand.md). Changed
 * by users holding "Manage devices" on the device page; every change is audited ({@code device.on-demand}).
 * Thread-safe; one transaction per change.
 */
@Service
class OnDemandSetting {

    private final DeviceRepository devices;
    private final AuditLog audit;

    OnDemandSetting(DeviceRepository devices, AuditLog audit) {
        this.devices = devices;
        this.audit = audit;
    }

    /**
     * Sets the device's connection mode and phone number. Nothing is written when the phone number is refused.
     *
     * @param typedPhoneNumber as typed (spaces, dashes, a leading 00 are fine); blank: none
     * @throws IllegalArgumentException with the sentence for the phone number field
     */
    @Transactional
    void change(String accountId, String deviceId, boolean onDemand, String typedPhoneNumber, String actor) {
        String phoneNumber;
        try {
            phoneNumber = PhoneNumbers.normalise(typedPhoneNumber).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The device's phone number (of its SIM): " + e.getMessage());
        }
        Device device = devices.findByIdAndAccountId(deviceId, accountId).orElseThrow();
        if (device.connection(onDemand, phoneNumber)) {
            audit.record("device.on-demand", "ok", actor, accountId, deviceId, (onDemand
                    ? "on demand (woken by SMS)" : "always connected") + ", phone number "
                    + (phoneNumber == null ? "none" : phoneNumber));
        }
    }
}
