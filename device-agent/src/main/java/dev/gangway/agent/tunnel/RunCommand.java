package dev.gangway.agent.tunnel;

import dev.gangway.agent.alarms.AlarmsSetupException;
import dev.gangway.agent.config.AgentConfig;
import dev.gangway.agent.config.ConfigException;
import dev.gangway.agent.config.ConfigLoader;
import dev.gangway.agent.config.ServiceConfig;
import dev.gangway.agent.identity.DeviceCredentials;
import dev.gangway.agent.identity.IdentityException;
import dev.gangway.agent.identity.IdentityStore;
import dev.gangway.agent.process.AgentVersion;
import dev.gangway.agent.process.StopSignal;
import dev.gangway.agent.setup.SelfRegistration;
import dev.gangway.agent.setup.SiteSettings;
import dev.gangway.tunnel.ProxySettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code run}: keeps the device's tunnel to the relay up and serves streams to the allowed LAN services. Without an
 * identity, and with {@code easy-setup:} or {@code sms:} configured, it first waits for an Easy Setup file or an
 * activation SMS and registers by itself ({@link SelfRegistration}); a refused file or SMS is logged and the waiting
 * goes on.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Keeps this device's tunnel to the relay open.",
            "Forwards streams to the LAN services listed in the configuration, and to nothing else. "
                + "Stops cleanly on SIGTERM or Ctrl-C.",
            "Not registered yet, with easy-setup: or sms: configured: waits for an Easy Setup file or an activation "
                + "SMS, registers with it, then opens the tunnel."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by SIGTERM or Ctrl-C (also while waiting to be registered)",
            "2:bad configuration or identity (the message names the fix)",
            "1:unexpected failure (e.g. the identity cannot be written)"})
public final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Spec
    private CommandSpec spec;

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "The agent's YAML configuration")
    private Path config;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter err = spec.commandLine().getErr();
        AgentConfig settings;
        try {
            settings = ConfigLoader.load(config);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return 2;
        }
        IdentityStore store = new IdentityStore(settings.identity());
        boolean selfRegister = !store.exists() && settings.canSelfRegister();
        Optional<String[]> problem = selfRegister ? SelfRegistration.misconfiguration(settings) : Optional.empty();
        if (problem.isPresent()) {
            err.println(ConfigException.field(config.toString(), problem.get()[0], problem.get()[1]).getMessage());
            err.flush();
            return 2;
        }
        StopSignal stop = StopSignal.install();
        DeviceCredentials identity;
        if (selfRegister) {
            try {
                Optional<SelfRegistration.Registered> registered = selfRegister(settings, stop);
                if (registered.isEmpty()) {
                    log.info("stopped before the device was registered");
                    return 0;
                }
                identity = registered.get().identity();
            } catch (SelfRegistration.Failure e) {
                err.println(e.exitCode() == 2 ? "config error: " + config + ": " + e.getMessage() : e.getMessage());
                err.flush();
                return e.exitCode();
            }
        } else {
            try {
                identity = store.load();
            } catch (IdentityException e) {
                err.println("config error: " + config + ": identity: " + e.getMessage()
                        + (settings.canSelfRegister() && store.exists() ? " (the device registers by itself only into"
                                + " a missing identity directory: remove this one, or run 'register --force')" : ""));
                err.flush();
                return 2;
            }
        }
        try {
            settings = withSiteProxy(settings, store);
        } catch (IOException e) {
            err.println("config error: " + config + ": identity: " + e.getMessage());
            err.flush();
            return 2;
        }
        logStart(settings, identity);
        AgentRunner runner;
        try {
            runner = AgentRunner.start(settings, identity, Clock.systemUTC());
        } catch (AlarmsSetupException e) {
            err.println(ConfigException.field(config.toString(), e.field(), e.getMessage()).getMessage());
            err.flush();
            return 2;
        }
        try {
            String why = stop.await();
            log.info("stopping ({}): closing the tunnel", why);
        } finally {
            runner.close();
        }
        log.info("device agent stopped");
        return 0;
    }

    /** Waits for an Easy Setup file or activation SMS and registers; empty when stopped first. */
    private static Optional<SelfRegistration.Registered> selfRegister(AgentConfig settings, StopSignal stop)
            throws SelfRegistration.Failure, InterruptedException {
        SelfRegistration registration = new SelfRegistration(settings);
        Thread watcher = new Thread(() -> {
            try {
                stop.await();
                registration.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "self-registration-stop");
        watcher.setDaemon(true);
        watcher.start();
        return registration.await();
    }

    /**
     * The configuration with the proxy the Easy Setup file brought ({@code site-settings.json} in the identity
     * directory) when agent.yml sets none; agent.yml always wins.
     */
    static AgentConfig withSiteProxy(AgentConfig settings, IdentityStore store) throws IOException {
        if (settings.proxy().isPresent()) {
            return settings;
        }
        Optional<ProxySettings> saved = SiteSettings.proxy(store.directory());
        if (saved.isEmpty()) {
            return settings;
        }
        log.info("using the {} from the Easy Setup file ({} in the identity directory; a proxy: in the configuration "
                + "would take its place)", saved.get(), SiteSettings.FILE);
        return new AgentConfig(settings.identity(), settings.portal(), settings.keepalive(), settings.backoffMin(),
                settings.backoffMax(), settings.services(), saved, settings.keySwitch(), settings.alarms(),
                settings.easySetup(), settings.sms(), settings.onDemand());
    }

    private static void logStart(AgentConfig settings, DeviceCredentials identity) {
        log.info("Gangway device agent {}: device {} ({}), identity {}", AgentVersion.get(),
                identity.device().deviceName(), identity.device().deviceId(), settings.identity());
        if (settings.services().isEmpty()) {
            log.warn("no services configured: every stream will be refused; add them under 'services:'");
        } else {
            log.info("allowed services: {}", settings.services().stream()
                    .map(RunCommand::describe).collect(Collectors.joining(", ")));
        }
        settings.alarms().ifPresent(a -> log.info("alarm queue {} (at most {} alarms, {} MiB)", a.queueDir(),
                a.maxAlarms(), a.maxBytes() / (1024 * 1024)));
        Instant notAfter = identity.certificate().getNotAfter().toInstant();
        if (notAfter.isBefore(Instant.now())) {
            log.error("the device certificate expired on {}; the relay will refuse it: register again with a new "
                    + "activation key ('register --force')", notAfter);
        }
    }

    private static String describe(ServiceConfig s) {
        return s.name() + "=" + s.target().authority() + " (" + s.kind().id() + ")";
    }
}
