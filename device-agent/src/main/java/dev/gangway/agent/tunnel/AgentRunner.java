package dev.gangway.agent.tunnel;

import dev.gangway.agent.alarms.Alarms;
import dev.gangway.agent.config.AgentConfig;
import dev.gangway.agent.config.KeySwitchConfig;
import dev.gangway.agent.config.SmsConfig;
import dev.gangway.agent.identity.DeviceCredentials;
import dev.gangway.agent.identity.DeviceRecord;
import dev.gangway.agent.keyswitch.KeySwitch;
import dev.gangway.agent.keyswitch.SiteAccessReporter;
import dev.gangway.agent.keyswitch.StatusOutput;
import dev.gangway.agent.ondemand.LastWake;
import dev.gangway.agent.ondemand.OnDemandController;
import dev.gangway.agent.ondemand.WakeProgressReporter;
import dev.gangway.agent.ondemand.WakeVerifier;
import dev.gangway.agent.portal.PortalApi;
import dev.gangway.agent.portal.RelayAddress;
import dev.gangway.agent.process.AgentVersion;
import dev.gangway.agent.sms.SmsInbox;
import dev.gangway.tunnel.TunnelClient;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelTls;
import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires configuration and identity into a running {@link TunnelClient}, with the site's key switch, its status output
 * and the site-access reports to the portal; {@code run} and the tests use it.
 *
 * <p>Start order: the status output shows "down"; the key switch is read once, and when it is off the tunnel client
 * is disabled before it starts, so not a single connection is attempted; the portal is told the switch's state (or,
 * without a key switch, that remote access is enabled); then the tunnel starts and the switch is polled. The alarms
 * (queue and listeners) start first of all: a port that cannot be bound stops {@code run} before anything else happens
 * ({@link dev.gangway.agent.alarms.AlarmsSetupException}); the queue is the tunnel's alarm source.
 *
 * <p>On demand ({@code on-demand:} in agent.yml): the tunnel client is suspended before it starts and an
 * {@link OnDemandController} opens and closes it (wake-up SMS, queued alarms, idle time); the key switch goes through
 * the controller, so that "on" does not dial and "off" wins over a wake-up.
 */
final class AgentRunner implements AutoCloseable {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long an always-connected agent that was sent offline waits before it reconnects. */
    static final Duration SENT_OFFLINE_RECONNECT = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(AgentRunner.class);

    private final TunnelClient client;
    private final Optional<KeySwitch> keySwitch;
    private final Optional<StatusOutput> statusOutput;
    private final Optional<SiteAccessReporter> reporter;
    private final Optional<Alarms> alarms;
    private final Optional<OnDemandController> onDemand;
    private final Optional<WakeProgressReporter> wakeProgress;

    private AgentRunner(TunnelClient client, Optional<KeySwitch> keySwitch, Optional<StatusOutput> statusOutput,
            Optional<SiteAccessReporter> reporter, Optional<Alarms> alarms, Optional<OnDemandController> onDemand,
            Optional<WakeProgressReporter> wakeProgress) {
        this.client = client;
        this.onDemand = onDemand;
        this.wakeProgress = wakeProgress;
        this.alarms = alarms;
        this.keySwitch = keySwitch;
        this.statusOutput = statusOutput;
        this.reporter = reporter;
    }

    static AgentRunner start(AgentConfig config, DeviceCredentials identity, Clock clock) {
        Optional<Alarms> alarms = config.alarms().map(a -> Alarms.start(a, clock));
        try {
            return start(config, identity, clock, alarms);
        } catch (RuntimeException e) {
            alarms.ifPresent(Alarms::close);
            throw e;
        }
    }

    private static AgentRunner start(AgentConfig config, DeviceCredentials identity, Clock clock,
            Optional<Alarms> alarms) {
        DeviceRecord device = identity.device();
        Optional<URI> portal = config.portal()
                .or(() -> device.portal().isBlank() ? Optional.empty() : Optional.of(URI.create(device.portal())));
        Optional<PortalApi> api = portal.map(uri -> new PortalApi(PortalApi.parseBase(uri.toString()),
                Duration.ofSeconds(5), Duration.ofSeconds(10), AgentVersion.get(), config.proxy()));
        PortalRelayLocator locator = new PortalRelayLocator(api, device.deviceId(),
                new RelayAddress(device.relayHost(), device.relayPort()), config.proxy().isPresent());
        SslContext tls = TunnelTls.forAgent(identity.key(), new X509Certificate[] {identity.certificate()},
                identity.trustedCas());
        Optional<StatusOutput> statusOutput = config.keySwitch().flatMap(KeySwitchConfig::statusOutput)
                .map(StatusOutput::start);
        AtomicReference<TunnelClient> built = new AtomicReference<>();
        AtomicReference<OnDemandController> controller = new AtomicReference<>();
        Consumer<TunnelClient.State> tunnelLog = new TunnelStateLog(locator::current,
                () -> built.get() == null ? null : built.get().lastError());
        // on demand, the tunnel is down most of the time for reasons the controller logs in its own words; the
        // tunnel log's "disabled" line is only true when the key switch is off
        AtomicBoolean siteOn = new AtomicBoolean(true);
        Consumer<TunnelClient.State> stateLog = config.onDemand().isEmpty() ? tunnelLog.andThen(state -> {
            // "Send offline" is for on-demand devices; an always-connected agent that gets it anyway (the portal's
            // on-demand flag set for an agent not configured so) must not stay down until someone restarts it
            TunnelClient c = built.get();
            if (state == TunnelClient.State.DISABLED && c != null && c.lastError() == TunnelError.SENT_OFFLINE) {
                log.warn("the portal sent this device offline, but it is not configured as on-demand (no on-demand: "
                        + "in its configuration); reconnecting in {} s", SENT_OFFLINE_RECONNECT.toSeconds());
                CompletableFuture.runAsync(() -> {
                    if (siteOn.get() && c.state() == TunnelClient.State.DISABLED
                            && c.lastError() == TunnelError.SENT_OFFLINE) {
                        c.enable();
                    }
                }, CompletableFuture.delayedExecutor(SENT_OFFLINE_RECONNECT.toMillis(), TimeUnit.MILLISECONDS));
            }
        }) : state -> {
            OnDemandController c = controller.get();
            if (state != TunnelClient.State.DISABLED || (c != null && !c.siteEnabled())) {
                tunnelLog.accept(state);
            }
        };
        TunnelClient client = TunnelClient.builder()
                .relayLocator(locator)
                .sslContext(tls)
                .targetPolicy(new ServiceAllowlist(config.services()))
                .agentInfo(new AgentInfo(AgentVersion.get(), AgentInfo.hostname(), config.services()))
                .keepalive(config.keepalive()) // answer within min(interval, 20 s)
                .backoff(config.backoffMin(), config.backoffMax())
                .connectTimeout(CONNECT_TIMEOUT)
                .proxy(config.proxy().orElse(null))
                .alarmSource(alarms.map(Alarms::queue).orElse(null))
                .clock(clock)
                .stateListener(statusOutput.<Consumer<TunnelClient.State>>map(stateLog::andThen).orElse(stateLog))
                .build();
        built.set(client);

        Optional<KeySwitch> keySwitch = config.keySwitch().map(KeySwitch::create);
        boolean enabled = keySwitch.map(KeySwitch::readInitial).orElse(true);
        siteOn.set(enabled);
        if (!enabled) {
            client.disable();
        }
        Optional<SiteAccessReporter> reporter = api.map(p -> new SiteAccessReporter(p, identity,
                keySwitch.isPresent(), clock));
        Optional<WakeProgressReporter> wakeProgress = config.onDemand().flatMap(o -> api)
                .map(p -> new WakeProgressReporter(p, identity, clock));
        Optional<OnDemandController> onDemand = config.onDemand().map(o -> {
            SmsConfig sms = config.sms().orElseThrow(() -> new IllegalStateException("on-demand needs sms"));
            WakeVerifier verifier = new WakeVerifier(device.deviceId(), identity.trustedCas(), sms.allowedSenders(),
                    LastWake.nextTo(config.identity()), clock);
            return new OnDemandController(o, new SmsInbox(sms), verifier, client, wakeProgress,
                    alarms.map(Alarms::queue), clock, enabled);
        });
        onDemand.ifPresent(controller::set);
        reporter.ifPresent(r -> r.report(enabled));
        client.start();
        onDemand.ifPresent(OnDemandController::start);
        keySwitch.ifPresent(s -> s.start(on -> {
            siteOn.set(on);
            if (on) {
                reporter.ifPresent(r -> r.report(true));
                onDemand.ifPresentOrElse(c -> c.siteAccess(true), client::enable);
            } else {
                onDemand.ifPresentOrElse(c -> c.siteAccess(false), client::disable);
                reporter.ifPresent(r -> r.report(false));
            }
        }));
        return new AgentRunner(client, keySwitch, statusOutput, reporter, alarms, onDemand, wakeProgress);
    }

    TunnelClient.State state() {
        return client.state();
    }

    /** The tunnel's last refusal or failure (e.g. SENT_OFFLINE while sent offline), or null. */
    TunnelError lastError() {
        return client.lastError();
    }

    /** The running alarms, if configured (tests reach the listeners' bound addresses through it). */
    Optional<Alarms> alarms() {
        return alarms;
    }

    @Override
    public void close() {
        keySwitch.ifPresent(KeySwitch::close);
        onDemand.ifPresent(OnDemandController::close);
        wakeProgress.ifPresent(WakeProgressReporter::close);
        client.close();
        reporter.ifPresent(SiteAccessReporter::close);
        statusOutput.ifPresent(StatusOutput::close);
        alarms.ifPresent(Alarms::close);
    }
}
