package dev.gangway.agent.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The device's SMS inbox: a spool directory in the format of gammu-smsd's files backend. Read for registration by SMS
 * (while the device is not registered) and for wake-up messages (on-demand devices).
 *
 * @param inbox the inbox directory ({@code inboxpath} of gammu-smsd)
 * @param allowedSenders sender numbers accepted (as written in the file names, e.g. {@code +41790000000}); empty
 *     means any sender (messages are authenticated by their content anyway)
 * @param registerAccount the portal account an unregistered device may join by an activation SMS; empty means
 *     activation SMS are ignored. Sender numbers can be forged, so the portal checks that the key is this account's:
 *     an SMS from another tenant of the same portal cannot pull the machine into that tenant.
 */
public record SmsConfig(Path inbox, List<String> allowedSenders, Optional<String> registerAccount) {

    public SmsConfig {
        Objects.requireNonNull(inbox, "inbox");
        allowedSenders = List.copyOf(allowedSenders);
        Objects.requireNonNull(registerAccount, "registerAccount");
    }

    /** Without registration by SMS. */
    public SmsConfig(Path inbox, List<String> allowedSenders) {
        this(inbox, allowedSenders, Optional.empty());
    }
}
