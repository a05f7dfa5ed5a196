package dev.gangway.portal.relay;

import dev.gangway.portal.pki.CertificatesRevoked;
import dev.gangway.tunnel.TunnelError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.event.TransactionPhase;
import org.springframework.transaction.event.TransactionalEventListener;

/** Closes the tunnels of devices whose certificates were revoked, once the revocation is committed. */
@Component
class RevocationDisconnector {

    private static final Logger log = LoggerFactory.getLogger(RevocationDisconnector.class);

    private final EmbeddedRelay relay;

    RevocationDisconnector(EmbeddedRelay relay) {
        this.relay = relay;
    }

    @TransactionalEventListener(phase = TransactionPhase.AFTER_COMMIT)
    void revoked(CertificatesRevoked event) {
        relay.server().ifPresent(server -> {
            for (String deviceId : event.deviceIds()) {
                log.info("Disconnecting device {}: certificate revoked", deviceId);
                server.disconnect(deviceId, TunnelError.REVOKED);
            }
        });
    }
}
