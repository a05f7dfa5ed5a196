package dev.gangway.client.connect;

import dev.gangway.client.ClientEnv;
import dev.gangway.client.ClientException;
import dev.gangway.client.ExitCode;
import dev.gangway.client.Main;
import dev.gangway.client.Output;
import dev.gangway.client.StopSignal;
import dev.gangway.client.Text;
import dev.gangway.client.device.DeviceFinder;
import dev.gangway.client.device.Waker;
import dev.gangway.client.portal.Device;
import dev.gangway.client.session.SessionAccess;
import dev.gangway.client.session.SignInOptions;
import dev.gangway.tunnel.LocalForwarder;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Stack;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code gangway connect DEVICE}: forwards local ports (every service of the device, plus each {@code --forward})
 * and optionally a SOCKS5 proxy to the device's LAN, until SIGINT/SIGTERM.
 *
 * <h2>Lifecycle</h2> Checks the device (exists, online, the user may forward to it; an asleep on-demand device is woken
 * first and waited for, its steps on standard error, see {@link Waker}), gets a client certificate and
 * connects to the relay ({@link ClientTunnel}), opens the listeners, prints where they are, then waits. Each
 * accepted connection gets a ticket and a stream of its own; one that fails is closed and reported on standard
 * error, and the others go on. On SIGINT/SIGTERM the listeners and the relay connection are closed and a session
 * opened for this command only is ended; exit code 0. If the portal says the session ended, the same happens
 * with exit code 3.
 */
@Command(name = "connect", mixinStandardHelpOptions = true, usageHelpWidth = 100,
        description = {"Forwards local ports to a device's LAN services through the relay, until Ctrl-C. Every "
            + "service of the device gets a local port (any free one), plus each --forward; --socks adds a SOCKS5 "
            + "proxy through which any target the device allows can be reached.", ""},
        footer = {"", "Examples:", "  gangway connect press-4",
            "  gangway connect press-4 --forward 8080:198.19.0.2:80 --forward 502:198.19.0.3:502",
            "  gangway connect press-4 --no-services --socks", "  gangway connect dev-7 --socks 0 --json",
            "", "A local connection is only accepted from this computer unless --bind says otherwise."})
public final class ConnectCommand implements Callable<Integer> {

    @ParentCommand
    private Main main;

    @Mixin
    private SignInOptions signIn;

    @Parameters(index = "0", paramLabel = "DEVICE", description = "the device's id or name")
    private String device;

    @Option(names = "--forward", paramLabel = "[LOCAL:]HOST:PORT",
            description = "also forward local port LOCAL (any free one if omitted) to HOST:PORT on the device's LAN;"
                    + " IPv6 in brackets: [fd00::2]:502. Repeatable.")
    private List<String> forwards = new ArrayList<>();

    @Option(names = "--socks", arity = "0..1", paramLabel = "PORT", parameterConsumer = SocksPort.class,
            description = "also run a SOCKS5 proxy (no authentication, CONNECT) on PORT (default 1080, 0: any free"
                    + " one)")
    private Integer socks;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "the local address to listen on (default ${DEFAULT-VALUE}: this computer only)")
    private String bind;

    @Option(names = "--no-services", description = "do not forward the device's services (only --forward, --socks)")
    private boolean noServices;

    @Option(names = "--wake-timeout", paramLabel = "SECONDS", defaultValue = "" + Waker.DEFAULT_TIMEOUT_SECONDS,
            description = "an asleep on-demand device is woken first: how long to wait for it to come online"
                    + " (default: ${DEFAULT-VALUE})")
    private long wakeTimeoutSeconds;

    /** {@code --socks} takes a port only when one follows, so {@code --socks DEVICE} works. */
    static final class SocksPort implements IParameterConsumer {
        static final int DEFAULT_PORT = 1080;

        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            int port = DEFAULT_PORT;
            if (!args.isEmpty() && args.peek().matches("\\d{1,6}")) {
                port = Integer.parseInt(args.pop());
            }
            argSpec.setValue(port);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        List<ForwardSpec> specs = new ArrayList<>();
        for (String f : forwards) {
            specs.add(ForwardSpec.parse(f));
        }
        if (socks != null && (socks < 0 || socks > 65535)) {
            throw ClientException.usage("--socks " + socks + " is not a TCP port (0-65535; 0: any free one)");
        }
        InetAddress bindAddress = bindAddress(bind);
        if (wakeTimeoutSeconds < 1 || wakeTimeoutSeconds > 86_400) {
            throw ClientException.usage("--wake-timeout " + wakeTimeoutSeconds + " is not a number of seconds"
                    + " between 1 and 86400");
        }
        if (noServices && specs.isEmpty() && socks == null) {
            throw ClientException.usage("nothing to forward: --no-services needs --forward or --socks");
        }
        ClientEnv env = main.env();
        try (SessionAccess access = SessionAccess.open(main, signIn)) {
            Device found = DeviceFinder.find(access.portal(), access.token(), device);
            String name = Text.clean(found.name());
            if (!found.mayForward()) {
                throw new ClientException(ExitCode.NO_RIGHT, "you may not open client port forwards to " + name
                        + ": ask an administrator of the account for the 'Client port forwards' right");
            }
            if (!found.online() && !found.onDemand()) {
                throw new ClientException(ExitCode.NO_DEVICE, name + " is offline (it has no tunnel to the relay);"
                        + " try again when gangway devices shows it online");
            }
            if (!found.online()) {
                // on demand and asleep: wake it and wait, telling the steps on standard error (stdout is the table)
                new Waker(access.portal(), access.token(), Waker.POLL, step -> env.warn(step))
                        .wakeAndWait(found, Duration.ofSeconds(wakeTimeoutSeconds));
            }
            List<ForwardPlan.Entry> plan = ForwardPlan.of(found, specs, noServices);
            if (plan.isEmpty() && socks == null) {
                throw ClientException.usage(name + " lists no services; give --forward HOST:PORT or --socks");
            }
            if (!bindAddress.isLoopbackAddress()) {
                env.warn("warning: listening on " + bindAddress.getHostAddress() + ": everyone who can reach this"
                        + " computer can use these ports to reach " + name + "'s LAN as you");
            }
            // from here on Ctrl-C stops the command cleanly; before, it ends the process as usual
            return run(access, found, plan, bindAddress, env.stops().get());
        }
    }

    private int run(SessionAccess access, Device found, List<ForwardPlan.Entry> plan, InetAddress bindAddress,
            StopSignal stop) throws InterruptedException {
        ClientEnv env = main.env();
        Running running = new Running();
        Thread hook = new Thread(() -> {
            running.close();
            access.close();
        }, "gangway-client-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            ClientTunnel tunnel = new ClientTunnel(access.portal(), access.token(), found.id(), main.proxy(),
                    env::warn, stop::fail);
            running.tunnel = tunnel;
            tunnel.start();
            running.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("gangway-listeners"),
                    NioIoHandler.newFactory());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (ForwardPlan.Entry entry : plan) {
                InetSocketAddress address = new InetSocketAddress(bindAddress, entry.localPort());
                String label = (entry.service() == null ? "" : entry.service() + " ") + entry.target();
                LocalForwarder forwarder = listen(address, () -> reported(tunnel.open(entry.target()), label, stop),
                        running.group);
                running.forwarders.add(forwarder);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("service", entry.service());
                row.put("local", hostPort(forwarder.localAddress()));
                row.put("target", entry.target().authority());
                rows.add(row);
            }
            String socksAddress = null;
            if (socks != null) {
                InetSocketAddress address = new InetSocketAddress(bindAddress, socks);
                try {
                    running.socks = Socks5Server.listen(address,
                            target -> reported(tunnel.open(target), "SOCKS " + target, stop), running.group);
                } catch (Exception e) {
                    throw cannotListen(address, e);
                }
                socksAddress = hostPort(running.socks.localAddress());
            }
            print(found, rows, socksAddress, tunnel);
            stop.await();
            return ExitCode.OK;
        } finally {
            running.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down already: the hook runs (and finds everything closed)
            }
        }
    }

    private void print(Device found, List<Map<String, Object>> rows, String socksAddress, ClientTunnel tunnel) {
        Output out = main.output();
        if (out.json()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("device", found.reference());
            json.put("forwards", rows);
            json.put("socks", socksAddress);
            out.printJson(json);
            return;
        }
        out.table(List.of("SERVICE", "LOCAL", "TARGET"), rows.stream().map(r -> List.of(
                r.get("service") == null ? "-" : (String) r.get("service"), (String) r.get("local"),
                (String) r.get("target"))).toList());
        if (socksAddress != null) {
            out.line("SOCKS5 proxy on " + socksAddress + " (any target " + Text.clean(found.name()) + " allows)");
        }
        out.line("Connected to " + Text.clean(found.name()) + " through the relay " + tunnel.relay().getHostString()
                + ":" + tunnel.relay().getPort() + ". Press Ctrl-C to close.");
    }

    private CompletableFuture<Channel> reported(CompletableFuture<Channel> stream, String label, StopSignal stop) {
        stream.whenComplete((channel, error) -> {
            if (error != null && !stop.stopped()) {
                main.env().warn(label + ": " + ClientTunnel.describe(error));
            }
        });
        return stream;
    }

    private static LocalForwarder listen(InetSocketAddress address,
            java.util.function.Supplier<CompletableFuture<Channel>> streams, EventLoopGroup group)
            throws InterruptedException {
        try {
            return LocalForwarder.listen(address, streams, group);
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw cannotListen(address, e);
        }
    }

    private static ClientException cannotListen(InetSocketAddress address, Exception e) {
        return ClientException.usage("cannot listen on " + hostPort(address) + " (" + e.getMessage()
                + "); choose another local port, or leave it out for any free one");
    }

    static InetAddress bindAddress(String text) {
        try {
            return InetAddress.getByName(text.trim().replace("[", "").replace("]", ""));
        } catch (UnknownHostException | SecurityException e) {
            throw ClientException.usage("--bind '" + text + "' is not an address of this computer; e.g. 127.0.0.1");
        }
    }

    static String hostPort(InetSocketAddress address) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** What must be closed when the command ends, whichever way. */
    private static final class Running {
        final List<LocalForwarder> forwarders = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile Socks5Server socks;
        volatile ClientTunnel tunnel;
        volatile EventLoopGroup group;
        private boolean closed;

        synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            for (LocalForwarder f : forwarders) {
                f.close();
            }
            if (socks != null) {
                socks.close();
            }
            if (tunnel != null) {
                tunnel.close();
            }
            if (group != null) {
                group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }
}
