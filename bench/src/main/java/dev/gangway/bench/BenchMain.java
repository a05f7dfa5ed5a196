package dev.gangway.bench;

import java.util.Arrays;

/**
 * Entry point of the benchmark jar. {@code run} (the default) is the harness; {@code relay}, {@code agent} and
 * {@code client} are the tunnel's three processes, which the harness starts as separate JVMs so that the tunnel
 * is measured across process boundaries as OpenSSH is.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 || args[0].startsWith("--") ? "run" : args[0];
        String[] rest = args.length == 0 || args[0].startsWith("--") ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "run" -> {
                int scenario = Arrays.asList(rest).indexOf("--scenario");
                if (scenario >= 0) {
                    String name = scenario + 1 < rest.length ? rest[scenario + 1] : "";
                    if (name.equals("idle-tunnels")) {
                        System.exit(IdleTunnelsRun.run(rest));
                        return;
                    }
                    if (!name.equals("keepalive")) {
                        System.err.println("bench: unknown --scenario '" + name + "'; use keepalive or idle-tunnels");
                        System.exit(2);
                    }
                    System.exit(KeepaliveRun.run(rest));
                    return;
                }
                BenchOptions options;
                try {
                    options = BenchOptions.parse(rest);
                } catch (IllegalArgumentException e) {
                    System.err.println("bench: " + e.getMessage());
                    System.err.println(BenchOptions.USAGE);
                    System.exit(2);
                    return;
                }
                System.exit(BenchRun.run(options));
            }
            case "relay" -> RelayRole.main(rest);
            case "agent" -> AgentRole.main(rest);
            case "client" -> ClientRole.main(rest);
            case "help", "-h" -> System.out.println(BenchOptions.USAGE);
            default -> {
                System.err.println("bench: unknown command '" + command + "'; use run, relay, agent or client");
                System.exit(2);
            }
        }
    }
}
