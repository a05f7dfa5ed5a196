package dev.gangway.portal.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Configurations of agents that register by themselves (no {@code register} run): the identity directory does not
 * exist yet, and {@code easy-setup:} or {@code sms:} says where the key will come from. Used by
 * {@link EasySetupE2eIT} and {@link SmsRegistrationE2eIT}.
 */
final class SelfRegisteringAgents {

    private SelfRegisteringAgents() {
    }

    /** An agent waiting for an Easy Setup file in the directory {@code stick}. */
    static Path easySetup(Path file, Path identity, Path stick, String hmiHost, int hmiPort) {
        return write(file, """
                identity: %s
                backoff-max-seconds: 2
                easy-setup:
                  path: %s
                services:
                  - name: hmi
                    kind: http
                    host: %s
                    port: %d
                """.formatted(identity, stick, hmiHost, hmiPort));
    }

    /** An agent of the portal {@code portalUrl} waiting for an activation SMS in {@code inbox}. */
    static Path sms(Path file, Path identity, String portalUrl, Path inbox, String allowedSender, String hmiHost,
            int hmiPort) {
        return write(file, """
                identity: %s
                portal: %s
                backoff-max-seconds: 2
                sms:
                  inbox: %s
                  allowed-senders: ["%s"]
                  register-account: %s
                services:
                  - name: hmi
                    kind: http
                    host: %s
                    port: %d
                """.formatted(identity, portalUrl, inbox, allowedSender, PortalUi.ACCOUNT, hmiHost, hmiPort));
    }

    private static Path write(Path file, String yaml) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
