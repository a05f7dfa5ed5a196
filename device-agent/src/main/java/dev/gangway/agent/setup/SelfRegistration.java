package dev.gangway.agent.setup;

import dev.gangway.agent.config.AgentConfig;
import dev.gangway.agent.config.SmsConfig;
import dev.gangway.agent.identity.DeviceCredentials;
import dev.gangway.agent.identity.DeviceRecord;
import dev.gangway.agent.identity.IdentityException;
import dev.gangway.agent.identity.IdentityStore;
import dev.gangway.agent.portal.PortalApi;
import dev.gangway.agent.portal.PortalException;
import dev.gangway.agent.process.AgentVersion;
import dev.gangway.agent.register.Registrar;
import dev.gangway.agent.sms.SmsInbox;
import dev.gangway.agent.sms.SmsMessage;
import dev.gangway.tunnel.ProxySettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run} without an identity: waits for an Easy Setup file ({@code easy-setup:}) and/or an activation SMS
 * ({@code sms:}), whichever comes first, registers with it and returns the new identity; {@code run} then goes on to
 * the tunnel.
 *
 * <h2>What is accepted</h2>
 * <ul>
 *   <li>An Easy Setup file that verifies ({@link EasySetupFile#verify}: signature, expiry), for the portal agent.yml
 *       names when it names one, and whose registering portal answers with the file's own CA. The file is then
 *       rewritten without its key ({@link EasySetupMedium#markUsed}; a read-only medium only gives a warning) and its
 *       proxy, when agent.yml has none, is used for the registration and kept for the tunnel
 *       ({@link SiteSettings}).</li>
 *   <li>An activation SMS ({@link ActivationSms}) only when agent.yml names the portal ({@code portal:}) and the SMS
 *       names the same one: otherwise anyone who knows the device's number could make it join their own portal and
 *       reach its LAN. The inbox applies {@code allowed-senders}.</li>
 * </ul>
 * A refused file or SMS is logged once with what to do, and the agent keeps waiting: the person at the machine can put
 * a good file on the stick, or send the SMS again, without restarting anything. A portal that cannot be reached is
 * tried again with a growing pause (up to a minute). Only local failures end the wait: an identity directory that
 * cannot be written ({@link Failure}).
 *
 * <h2>Threading</h2> {@link #await} runs on the caller's thread and polls every {@code poll}; {@link #stop} may be
 * called from any thread (a signal handler) and makes {@code await} return empty within one poll or portal call.
 */
public final class SelfRegistration {

    private static final Logger log = LoggerFactory.getLogger(SelfRegistration.class);
    public static final Duration DEFAULT_POLL = Duration.ofSeconds(2);
    private static final Duration MAX_RETRY = Duration.ofSeconds(60);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The device is registered.
     *
     * @param identity the identity as written
     * @param siteProxy the proxy to use for the tunnel when agent.yml has none (from the Easy Setup file)
     * @param how how it was registered, for the log ("with the Easy Setup file …", "by SMS from …")
     */
    public record Registered(DeviceCredentials identity, Optional<ProxySettings> siteProxy, String how) {
    }

    /** A local failure that ends {@code run}: the identity cannot be written. */
    public static final class Failure extends Exception {
        private static final long serialVersionUID = 1L;
        private final int exitCode;

        Failure(int exitCode, String message, Throwable cause) {
            super(message, cause);
            this.exitCode = exitCode;
        }

        /**
         * 2 for an identity directory in the way (the message, {@code identity: …}, names the fix; {@code run} prints
         * it as a configuration error), 1 for an I/O failure.
         */
        public int exitCode() {
            return exitCode;
        }
    }

    /** One way to register that came in; tried at once and, while the portal cannot be reached, again later. */
    private interface Candidate {
        String source();

        Registered register() throws PortalException, IdentityException, IOException, GeneralSecurityException;

        /** The portal refused it for good: don't try it again. */
        void refused();
    }

    private final AgentConfig config;
    private final Clock clock;
    private final Duration poll;
    private final Registrar registrar;
    private final Optional<EasySetupMedium> medium;
    private final Optional<SmsInbox> inbox;
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** Fingerprint of the Easy Setup file content last looked at: refused, or pending a retry. */
    private String seenFile;
    private Candidate pending;
    private Instant retryAt;
    private Duration retryPause;

    public SelfRegistration(AgentConfig config, Clock clock, Duration poll, Path machineIdFile) {
        this.config = config;
        this.clock = clock;
        this.poll = poll;
        this.registrar = new Registrar(new IdentityStore(config.identity()), machineIdFile, clock);
        this.medium = config.easySetup().map(EasySetupMedium::new);
        this.inbox = config.sms().filter(s -> s.registerAccount().isPresent()).map(SmsInbox::new);
    }

    public SelfRegistration(AgentConfig config) {
        this(config, Clock.systemUTC(), DEFAULT_POLL, Path.of("/etc/machine-id"));
    }

    /**
     * Why this configuration cannot register by itself at all, if so: SMS alone without {@code portal:}.
     *
     * @return the problem as {@code field: sentence}
     */
    public static Optional<String[]> misconfiguration(AgentConfig config) {
        if (config.sms().flatMap(SmsConfig::registerAccount).isPresent() && config.portal().isEmpty()
                && config.easySetup().isEmpty()) {
            return Optional.of(new String[] {"portal", "missing; registration by SMS needs the portal's address here "
                    + "(an activation SMS must name this same portal), e.g. portal: https://portal.example"});
        }
        return Optional.empty();
    }

    /** Makes {@link #await} return empty soon. */
    public void stop() {
        stopped.countDown();
    }

    /**
     * Waits until the device is registered.
     *
     * @return the registration, or empty when {@link #stop} was called first
     * @throws Failure when the identity cannot be written
     */
    public Optional<Registered> await() throws Failure, InterruptedException {
        checkIdentityDirectory();
        log.info("This device is not registered yet; waiting for {}", waitingFor());
        if (inbox.isPresent() && config.portal().isEmpty()) {
            log.warn("activation SMS are not accepted: registration by SMS needs 'portal:' in the agent's "
                    + "configuration (an SMS must name that same portal)");
        }
        while (stopped.getCount() > 0) {
            Optional<Registered> done = round();
            if (done.isPresent()) {
                return done;
            }
            if (stopped.await(poll.toMillis(), TimeUnit.MILLISECONDS)) {
                break;
            }
        }
        return Optional.empty();
    }

    /**
     * Fails now, not when a key has come, if the identity cannot be written there: another directory's files in the
     * way, or a read-only disk (a staging directory is made and removed).
     */
    void checkIdentityDirectory() throws Failure {
        try (IdentityStore.Staging staging = registrar.store().prepare(false)) {
            // nothing to write yet
        } catch (IdentityException e) {
            throw new Failure(2, "identity: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new Failure(1, "cannot write the identity in " + registrar.store().directory() + ": "
                    + e.getMessage(), e);
        }
    }

    /** One look at the medium and the inbox, and a due retry. */
    Optional<Registered> round() throws Failure {
        Optional<Registered> done = medium.isPresent() ? lookAtMedium(medium.get()) : Optional.empty();
        if (done.isPresent()) {
            return done;
        }
        if (inbox.isPresent()) {
            for (SmsMessage message : inbox.get().poll()) {
                Optional<Candidate> candidate = fromSms(message);
                if (candidate.isPresent()) {
                    done = attempt(candidate.get());
                    if (done.isPresent()) {
                        return done;
                    }
                }
            }
        }
        if (pending != null && !clock.instant().isBefore(retryAt)) {
            return attempt(pending);
        }
        return Optional.empty();
    }

    private String waitingFor() {
        String file = medium.map(m -> "an Easy Setup file: " + m.describe()).orElse(null);
        String sms = inbox.map(i -> "an activation SMS in " + i.directory() + " (the portal's \"Send the key by "
                + "SMS\")").orElse(null);
        return file != null && sms != null ? file + ", or " + sms : file != null ? file : sms;
    }

    private Optional<Registered> lookAtMedium(EasySetupMedium m) throws Failure {
        Optional<byte[]> content;
        try {
            content = m.read();
        } catch (IOException e) {
            String fingerprint = "unreadable";
            if (!fingerprint.equals(seenFile)) {
                log.warn("cannot read {} ({}); still waiting", m.file(), e.getMessage());
                seenFile = fingerprint;
            }
            return Optional.empty();
        }
        if (content.isEmpty()) {
            if (seenFile != null) {
                log.info("{} is gone; waiting for {}", m.file(), waitingFor());
                if (pending instanceof FileCandidate) {
                    pending = null;
                }
                seenFile = null;
            }
            return Optional.empty();
        }
        String fingerprint = fingerprint(content.get());
        if (fingerprint.equals(seenFile)) {
            return Optional.empty(); // refused already, or pending for a retry
        }
        seenFile = fingerprint;
        EasySetupFile file;
        try {
            file = EasySetupFile.verify(content.get(), clock.instant());
        } catch (EasySetupException e) {
            log.error("{}: {}. Still waiting for a good file.", m.file(), e.getMessage());
            return Optional.empty();
        }
        if (config.portal().isPresent() && !ActivationSms.samePortal(file.portal(), config.portal().get())) {
            log.error("{}: the Easy Setup file is for the portal {}, but the agent's configuration says portal: {} — "
                    + "download the file from that portal (or fix portal:). Still waiting for a good file.",
                    m.file(), file.portal(), config.portal().get());
            return Optional.empty();
        }
        log.info("Found the Easy Setup file {} for device {} ({}) at {}; registering", m.file(), file.deviceName(),
                file.deviceId(), file.portal());
        return attempt(new FileCandidate(m, file));
    }

    /** Registers with an Easy Setup file. */
    private final class FileCandidate implements Candidate {
        private final EasySetupMedium medium;
        private final EasySetupFile file;

        FileCandidate(EasySetupMedium medium, EasySetupFile file) {
            this.medium = medium;
            this.file = file;
        }

        @Override
        public String source() {
            return "the Easy Setup file " + medium.file();
        }

        @Override
        public Registered register() throws PortalException, IdentityException, IOException,
                GeneralSecurityException {
            if (!clock.instant().isBefore(file.expiresAt())) {
                throw new PortalException(PortalException.Kind.REFUSED, "the Easy Setup file expired on "
                        + file.expiresAt() + " while the portal could not be reached — make a new activation key "
                        + "in the portal and download a new file");
            }
            Optional<ProxySettings> proxy = config.proxy().or(file::proxy);
            PortalApi api = new PortalApi(file.portal(), CONNECT_TIMEOUT, REQUEST_TIMEOUT, AgentVersion.get(), proxy);
            Registrar.Registered registered = registrar.withKey(api, file.portal(), file.activationKey(),
                    cas -> sameCa(cas, file.ca(), file.portal()));
            DeviceRecord device = registered.credentials().device();
            medium.markUsed(file, device.deviceId(), device.deviceName(), clock.instant())
                    .ifPresent(warning -> log.warn("{}", warning));
            Optional<ProxySettings> siteProxy = config.proxy().isPresent() ? Optional.empty() : file.proxy();
            if (siteProxy.isPresent()) {
                try {
                    SiteSettings.saveProxy(registrar.store().directory(), siteProxy.get(), "Easy Setup file for "
                            + file.deviceName() + " made " + file.issuedAt(), clock.instant());
                } catch (IOException e) {
                    log.error("cannot save the proxy of the Easy Setup file in {} ({}): the tunnel uses it now, but "
                            + "after a restart set proxy: in the agent's configuration", registrar.store().directory()
                            .resolve(SiteSettings.FILE), e.getMessage());
                }
            }
            return new Registered(registered.credentials(), siteProxy, "with the Easy Setup file " + medium.file());
        }

        @Override
        public void refused() {
            // its fingerprint stays in seenFile: the same content is not tried again, a new file is
        }
    }

    private Optional<Candidate> fromSms(SmsMessage message) {
        String from = "SMS from " + message.sender();
        if (!ActivationSms.isActivation(message.text())) {
            log.info("ignoring an {} ({}): not an activation SMS, and the device is not registered yet", from,
                    message.fileName());
            return Optional.empty();
        }
        ActivationSms sms;
        try {
            sms = ActivationSms.parse(message.text()).orElseThrow();
        } catch (IllegalArgumentException e) {
            log.warn("activation {} refused: {}", from, e.getMessage());
            return Optional.empty();
        }
        if (config.portal().isEmpty()) {
            log.warn("activation {} refused: registration by SMS needs 'portal:' in the agent's configuration, naming "
                    + "the portal the SMS must come from", from);
            return Optional.empty();
        }
        URI portal = config.portal().get();
        if (!ActivationSms.samePortal(sms.portal(), portal)) {
            log.warn("activation {} refused: it names the portal {}, but this device belongs to portal: {} — only an "
                    + "SMS from its own portal can register it", from, sms.portal(), portal);
            return Optional.empty();
        }
        log.info("activation {} for portal {}; registering", from, portal);
        URI base = PortalApi.parseBase(portal.toString());
        return Optional.of(new Candidate() {
            @Override
            public String source() {
                return "the activation " + from;
            }

            @Override
            public Registered register() throws PortalException, IdentityException, IOException,
                    GeneralSecurityException {
                PortalApi api = new PortalApi(base, CONNECT_TIMEOUT, REQUEST_TIMEOUT, AgentVersion.get(),
                        config.proxy());
                Registrar.Registered registered = registrar.withKey(api, base, sms.activationKey(),
                        config.sms().flatMap(SmsConfig::registerAccount), Registrar.CaCheck.ANY);
                return new Registered(registered.credentials(), Optional.empty(), "by " + from);
            }

            @Override
            public void refused() {
                // the SMS file is gone already; a new SMS is a new candidate
            }
        });
    }

    private Optional<Registered> attempt(Candidate candidate) throws Failure {
        try {
            Registered registered = candidate.register();
            pending = null;
            DeviceRecord device = registered.identity().device();
            log.info("Registered device {} ({}) {}; identity saved in {}", device.deviceName(), device.deviceId(),
                    registered.how(), registrar.store().directory());
            return Optional.of(registered);
        } catch (PortalException e) {
            if (e.kind() == PortalException.Kind.UNREACHABLE) {
                Duration pause = candidate == pending ? min(retryPause.multipliedBy(2), MAX_RETRY) : poll;
                pending = candidate;
                retryPause = pause;
                retryAt = clock.instant().plus(pause);
                log.warn("{} — trying {} again in {} s", e.getMessage(), candidate.source(), pause.toSeconds());
                return Optional.empty();
            }
            if (candidate == pending) {
                pending = null;
            }
            candidate.refused();
            log.error("registration with {} failed: {}. Still waiting for {}", candidate.source(), e.getMessage(),
                    waitingFor());
            return Optional.empty();
        } catch (IdentityException e) {
            throw new Failure(2, "identity: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new Failure(1, "cannot write the identity in " + registrar.store().directory() + ": "
                    + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new Failure(1, "cannot create the device key: " + e.getMessage(), e);
        }
    }

    /** Every CA the portal names must be the file's: the identity will trust no other. */
    static void sameCa(List<X509Certificate> cas, X509Certificate expected, URI portal) throws PortalException {
        try {
            byte[] wanted = expected.getEncoded();
            for (X509Certificate ca : cas) {
                if (!Arrays.equals(ca.getEncoded(), wanted)) {
                    throw new PortalException(PortalException.Kind.BAD_ANSWER, "the portal at " + portal
                            + " answered with another CA certificate than the Easy Setup file's, so the file is not "
                            + "from this portal; nothing was saved — download a new file from your portal");
                }
            }
        } catch (CertificateEncodingException e) {
            throw new PortalException(PortalException.Kind.BAD_ANSWER, "the portal's CA certificate cannot be read");
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static String fingerprint(byte[] content) {
        try {
            return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
