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
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code run}: keeps the device's tunnel to the relay up and serves streams to the allowed LAN services. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Keeps this device's tunnel to the relay open.",
            "Forwards streams to the LAN services listed in the configuration, and to nothing else. "
                + "Stops cleanly on SIGTERM or Ctrl-C."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped by SIGTERM or Ctrl-C", "2:bad configuration or identity (the message names the fix)",
            "1:unexpected failure"})
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
        DeviceCredentials identity;
        try {
            settings = ConfigLoader.load(config);
            identity = new IdentityStore(settings.identity()).load();
        } catch (ConfigException e) {
            err.println(e.getMessage());
            err.flush();
            return 2;
        } catch (IdentityException e) {
            err.println("config error: " + config + ": identity: " + e.getMessage());
            err.flush();
            return 2;
        }
        logStart(settings, identity);
        StopSignal stop = StopSignal.install();
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
