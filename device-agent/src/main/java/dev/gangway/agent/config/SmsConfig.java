package dev.gangway.agent.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The device's SMS inbox: a spool directory in the format of gammu-smsd's files backend. Read for registration by SMS
 * (while the device is not registered) and for wake-up messages (on-demand devices).
 *
 * @param inbox the inbox directory ({@code inboxpath} of gammu-smsd)
 * @param allowedSenders sender numbers accepted (as written in the file names, e.g. {@code +41790000000}); empty
 *     means any sender (messages are authenticated by their content anyway)
 */
public record SmsConfig(Path inbox, List<String> allowedSenders) {

    public SmsConfig {
        Objects.requireNonNull(inbox, "inbox");
        allowedSenders = List.copyOf(allowedSenders);
    }
}
