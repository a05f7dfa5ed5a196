package dev.gangway.agent;

import dev.gangway.agent.demohmi.DemoHmiCommand;
import dev.gangway.agent.process.AgentVersion;
import dev.gangway.agent.register.RegisterCommand;
import dev.gangway.agent.tunnel.RunCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The device agent's entry point: {@code gangway-agent register | run | demo-hmi}. */
@Command(name = "gangway-agent", mixinStandardHelpOptions = true, versionProvider = AgentMain.Version.class,
        description = {"Gangway device agent: keeps one outbound TLS tunnel from this machine's LAN to a relay, "
            + "so that signed-in users reach the LAN services this site allows.", ""},
        subcommands = {RegisterCommand.class, RunCommand.class, DemoHmiCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Start with: gangway-agent register --portal URL --key KEY",
            "then:       gangway-agent run --config agent.yml"})
public final class AgentMain implements Callable<Integer> {

    /** Our logging setup has its own name so that a program embedding this jar keeps its logback.xml. */
    static final String LOGBACK_CONFIG = "gangway-agent-logback.xml";

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", LOGBACK_CONFIG);
        }
        System.exit(commandLine().execute(args));
    }

    /** The configured command line (also for tests). */
    public static CommandLine commandLine() {
        return new CommandLine(new AgentMain());
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** Prints the agent's version for {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gangway-agent " + AgentVersion.get()};
        }
    }
}
