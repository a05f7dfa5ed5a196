package dev.gangway.agent.register;

import dev.gangway.agent.identity.DeviceCredentials;
import dev.gangway.agent.identity.DeviceRecord;
import dev.gangway.agent.identity.IdentityException;
import dev.gangway.agent.identity.IdentityStore;
import dev.gangway.agent.identity.Pem;
import dev.gangway.agent.portal.PortalApi;
import dev.gangway.agent.portal.PortalException;
import dev.gangway.agent.portal.Registration;
import dev.gangway.agent.process.AgentVersion;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One registration, whatever asks for it ({@code register}, an Easy Setup file, an activation SMS): prepares the
 * identity directory (so a read-only disk shows before a key is spent), chooses the serial, makes the key pair here
 * and a CSR, lets the caller ask the portal, checks the answer (certificate for our key, issued by the CA it names,
 * plus the caller's own check of that CA) and writes the identity whole — or nothing.
 *
 * <p>Not thread-safe; one registration at a time per identity directory.
 */
public final class Registrar {

    /** Asks the portal for a certificate for {@code csrPem}. */
    @FunctionalInterface
    public interface PortalCall {
        Registration call(String csrPem, String serial) throws PortalException;
    }

    /** Checks the CA certificate(s) the portal answered with, before anything is saved. */
    @FunctionalInterface
    public interface CaCheck {
        /** Accepts everything. */
        CaCheck ANY = cas -> { };

        /** @throws PortalException (kind {@code BAD_ANSWER}) naming why the CA is not the expected one */
        void check(List<X509Certificate> cas) throws PortalException;
    }

    /**
     * A saved registration.
     *
     * @param credentials the identity as written
     * @param serial the serial used
     * @param serialSource where the serial came from, for the user
     */
    public record Registered(DeviceCredentials credentials, String serial, String serialSource) {
    }

    private final IdentityStore store;
    private final Path machineIdFile;
    private final Clock clock;

    public Registrar(IdentityStore store, Path machineIdFile, Clock clock) {
        this.store = store;
        this.machineIdFile = machineIdFile;
        this.clock = clock;
    }

    /** With {@code /etc/machine-id} and the system clock. */
    public Registrar(IdentityStore store) {
        this(store, Path.of("/etc/machine-id"), Clock.systemUTC());
    }

    /**
     * Registers with a one-time activation key.
     *
     * @param portal the portal's base address (saved in {@code device.json})
     */
    public Registered withKey(PortalApi api, URI portal, String activationKey, CaCheck caCheck)
            throws PortalException, IdentityException, IOException, GeneralSecurityException {
        return withKey(api, portal, activationKey, Optional.empty(), caCheck);
    }

    /**
     * Registers with a one-time activation key that must belong to {@code account} when given (the portal refuses a
     * key of another account).
     */
    public Registered withKey(PortalApi api, URI portal, String activationKey, Optional<String> account,
            CaCheck caCheck) throws PortalException, IdentityException, IOException, GeneralSecurityException {
        return register(portal, Optional.empty(), false,
                (csr, serial) -> api.register(activationKey, csr, serial, AgentVersion.get(), account.orElse(null)),
                caCheck);
    }

    /**
     * Registers through {@code call}.
     *
     * @param serial the serial to use, else the saved one, the machine id's hash or a random one
     * @param replace whether an existing identity may be replaced
     */
    public Registered register(URI portal, Optional<String> serial, boolean replace, PortalCall call, CaCheck caCheck)
            throws PortalException, IdentityException, IOException, GeneralSecurityException {
        try (IdentityStore.Staging staging = store.prepare(replace)) {
            DeviceSerial.Choice chosen = DeviceSerial.choose(serial, store.readRecord().map(DeviceRecord::serial),
                    machineIdFile);
            KeyPair keys = DeviceKeys.generate();
            String csr = DeviceKeys.csrPem(DeviceKeys.csr(keys, chosen.serial()));
            Registration answer = call.call(csr, chosen.serial());
            DeviceCredentials credentials = credentials(keys, answer, portal, chosen.serial(), caCheck);
            staging.commit(credentials);
            return new Registered(credentials, chosen.serial(), chosen.source());
        }
    }

    public IdentityStore store() {
        return store;
    }

    /** Checks that the certificate is for our key and issued by the CA before anything is saved. */
    private DeviceCredentials credentials(KeyPair keys, Registration answer, URI portalUri, String serialUsed,
            CaCheck caCheck) throws PortalException {
        X509Certificate certificate;
        List<X509Certificate> cas;
        try {
            certificate = Pem.certificate(answer.certificatePem());
            cas = Pem.certificates(answer.caCertificatePem());
        } catch (GeneralSecurityException e) {
            throw new PortalException(PortalException.Kind.BAD_ANSWER, "the portal's certificate is not readable PEM");
        }
        if (cas.isEmpty()) {
            throw new PortalException(PortalException.Kind.BAD_ANSWER, "the portal sent no CA certificate");
        }
        if (!Arrays.equals(certificate.getPublicKey().getEncoded(), keys.getPublic().getEncoded())) {
            throw new PortalException(PortalException.Kind.BAD_ANSWER,
                    "the portal's certificate is not for this device's key; nothing was saved");
        }
        boolean issued = cas.stream().anyMatch(ca -> {
            try {
                certificate.verify(ca.getPublicKey());
                return true;
            } catch (GeneralSecurityException e) {
                return false;
            }
        });
        if (!issued) {
            throw new PortalException(PortalException.Kind.BAD_ANSWER,
                    "the portal's certificate is not signed by its CA certificate; nothing was saved");
        }
        caCheck.check(cas);
        DeviceRecord record = new DeviceRecord(answer.deviceId(), answer.deviceName(), portalUri.toString(),
                answer.relayHost(), answer.relayPort(), serialUsed, Instant.now(clock).toString());
        return new DeviceCredentials(keys.getPrivate(), certificate, cas, record);
    }
}
