package dev.gangway.bench;

import ch.qos.logback.classic.Level;
import dev.gangway.tunnel.TunnelClient;
import dev.gangway.tunnel.TunnelError;
import dev.gangway.tunnel.TunnelException;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * A load generator of the idle-tunnels scenario: many devices in one JVM, each with a key and certificate of its own
 * (made here by {@link FleetPki.Minter}, once, at start), all on one shared event loop group and one shared TLS
 * context ({@link FleetTls}), dialling 127.0.0.1.
 *
 * <p>{@code LoadGeneratorRole <pki dir> <first device> <devices> <starts per s> <control dir> <name>
 * <event loop threads> <keepalive s> <keepalive timeout s> <backoff min ms> <backoff max ms>}, then commands through
 * {@link ControlFiles} (each answered at once; the devices start in the background at the given rate):
 *
 * <ul>
 *   <li>{@code tls <port>}: one bare TLS connection per device (the agent's TLS settings), held open and idle;
 *       redialled 1–2 s after a failure;</li>
 *   <li>{@code close}: closes every device's connection or tunnel client, waits for them;</li>
 *   <li>{@code tunnel <port>}: one real {@link TunnelClient} per device, as the device agent builds it (keepalive,
 *       backoff, 10 s connect timeout; no LAN target allowed, no alarms). Its jittered backoff is what spreads a
 *       reconnect storm.</li>
 * </ul>
 *
 * <p>Counters (devices connected, attempts, backoffs) go to {@code <name>.status}; tunnel-core's log is kept to
 * warnings (thousands of devices). Ends with its parent (stdin) or on SIGTERM.
 */
final class LoadGeneratorRole {

    /** Devices of one generator started and not connected yet, at most (initial ramp only). */
    static final int WINDOW = 64;

    private final AtomicInteger minted = new AtomicInteger();
    private final AtomicInteger started = new AtomicInteger();
    private final AtomicInteger connected = new AtomicInteger();
    private final AtomicLong attempts = new AtomicLong();
    private final AtomicLong backoffs = new AtomicLong();
    private final AtomicLong drains = new AtomicLong();
    private final List<AutoCloseable> devices = new ArrayList<>();
    private volatile String phase = "minting";
    private volatile Thread starter;

    private final List<FleetPki.Device> identities = new ArrayList<>();
    private FleetTls tls;
    private EventLoopGroup group;
    private double rate;
    private String[] args;

    private LoadGeneratorRole() {
    }

    public static void main(String[] args) throws Exception {
        RoleSupport.exitWithParent();
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("dev.gangway.tunnel")).setLevel(Level.WARN);
        FleetPki pki = new FleetPki(Path.of(args[0]));
        int first = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        LoadGeneratorRole generator = new LoadGeneratorRole();
        generator.rate = Double.parseDouble(args[3]);
        generator.args = args;
        ControlFiles control = new ControlFiles(Path.of(args[4]), args[5]);
        int threads = Integer.parseInt(args[6]);
        control.serve(generator::status, generator::command);
        Runtime.getRuntime().addShutdownHook(new Thread(generator::closeAll, "fleet-close"));

        FleetPki.Minter minter = new FleetPki.Minter(pki);
        generator.tls = new FleetTls(minter.caCertificate(), TestPki.readCertificate(pki.relayCert()));
        for (int i = 0; i < count; i++) {
            generator.identities.add(minter.mint(first + i));
            generator.minted.incrementAndGet();
        }
        boolean epoll = Epoll.isAvailable();
        generator.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("fleet"),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        generator.phase = "minted";
        RoleSupport.parkForever();
    }

    private synchronized String command(String command) {
        String[] words = command.split(" ");
        switch (words[0]) {
            case "tls", "tunnel" -> {
                if (!phase.equals("minted") && !phase.equals("closed")) {
                    throw new IllegalStateException("not ready for '" + command + "' in phase " + phase);
                }
                InetSocketAddress server = new InetSocketAddress("127.0.0.1", Integer.parseInt(words[1]));
                boolean tunnel = words[0].equals("tunnel");
                phase = "starting";
                started.set(0);
                Thread t = new Thread(() -> startAll(tunnel, server), "fleet-starter");
                t.setDaemon(true);
                starter = t;
                t.start();
                return "starting " + identities.size();
            }
            case "close" -> {
                Thread t = starter;
                if (t != null) {
                    t.interrupt();
                    try {
                        t.join(10_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                closeAll();
                phase = "closed";
                return "closed";
            }
            default -> throw new IllegalArgumentException("unknown command '" + command + "'; use tls PORT, tunnel PORT "
                    + "or close");
        }
    }

    /**
     * Starts every device, at most {@code rate} per second and with at most {@link #WINDOW} of them started but not
     * connected yet: a start-up faster than the server's handshakes would only time out and retry. (This paces the
     * bench's initial ramp; the reconnect storm after a relay restart is not paced: each agent follows its own
     * backoff.)
     */
    private void startAll(boolean tunnel, InetSocketAddress server) {
        long t0 = System.nanoTime();
        for (int i = 0; i < identities.size(); i++) {
            long wait = t0 + (long) (i * 1e9 / rate) - System.nanoTime();
            try {
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                while (started.get() - connected.get() >= WINDOW) {
                    Thread.sleep(5);
                }
            } catch (InterruptedException e) {
                return;
            }
            FleetPki.Device device = identities.get(i);
            AutoCloseable d = tunnel ? tunnel(device, server) : bareTls(device, server);
            synchronized (devices) {
                devices.add(d);
            }
            started.incrementAndGet();
        }
        phase = "running";
    }

    private void closeAll() {
        List<AutoCloseable> closing;
        synchronized (devices) {
            closing = new ArrayList<>(devices);
            devices.clear();
        }
        for (AutoCloseable d : closing) {
            try {
                d.close();
            } catch (Exception e) {
                // closing anyway
            }
        }
    }

    private String status() {
        return "phase=" + phase + " minted=" + minted.get() + " started=" + started.get() + " connected="
                + connected.get() + " attempts=" + attempts.get() + " backoffs=" + backoffs.get() + " drains="
                + drains.get();
    }

    /** One device agent's tunnel client. */
    private AutoCloseable tunnel(FleetPki.Device device, InetSocketAddress relay) {
        Duration keepalive = Duration.ofSeconds(Long.parseLong(args[7]));
        Duration keepaliveTimeout = Duration.ofSeconds(Long.parseLong(args[8]));
        Duration backoffMin = Duration.ofMillis(Long.parseLong(args[9]));
        Duration backoffMax = Duration.ofMillis(Long.parseLong(args[10]));
        String deviceId = device.id();
        String agentInfo = "{\"agentVersion\":\"0.1.0-bench\",\"hostname\":\"" + deviceId + "\",\"services\":["
                + "{\"name\":\"HMI\",\"kind\":\"http\",\"host\":\"192.168.0.10\",\"port\":80},"
                + "{\"name\":\"PLC\",\"kind\":\"tcp\",\"host\":\"192.168.0.20\",\"port\":102}]}";
        TunnelClient.State[] last = {TunnelClient.State.INITIAL};
        TunnelClient client = TunnelClient.builder()
                .relayLocator(() -> relay)
                .sslContext(tls.forDevice(device))
                .targetPolicy(target -> {
                    throw TunnelException.of(TunnelError.TARGET_NOT_ALLOWED, target.authority());
                })
                .agentInfo(() -> agentInfo)
                .keepalive(keepalive, keepaliveTimeout)
                .backoff(backoffMin, backoffMax)
                .connectTimeout(Duration.ofSeconds(10))
                .eventLoopGroup(group)
                .stateListener(state -> {
                    synchronized (last) {
                        if (last[0] == TunnelClient.State.CONNECTED && state != TunnelClient.State.CONNECTED) {
                            connected.decrementAndGet();
                        }
                        switch (state) {
                            case CONNECTED -> connected.incrementAndGet();
                            case CONNECTING -> attempts.incrementAndGet();
                            case BACKOFF -> backoffs.incrementAndGet();
                            case DRAINING -> drains.incrementAndGet();
                            default -> {
                            }
                        }
                        last[0] = state;
                    }
                })
                .build();
        client.start();
        return client;
    }

    /** One bare TLS connection, redialled after a failure. */
    private AutoCloseable bareTls(FleetPki.Device device, InetSocketAddress server) {
        boolean epoll = Epoll.isAvailable();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, BareTlsRole.WATER_MARK)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000);
        BareConnection connection = new BareConnection(bootstrap, tls.forDevice(device), server);
        connection.dial();
        return connection;
    }

    private final class BareConnection implements AutoCloseable {
        private final Bootstrap bootstrap;
        private final SslContext context;
        private final InetSocketAddress server;
        private volatile boolean closed;
        private volatile io.netty.channel.Channel channel;

        BareConnection(Bootstrap bootstrap, SslContext context, InetSocketAddress server) {
            this.bootstrap = bootstrap;
            this.context = context;
            this.server = server;
        }

        void dial() {
            if (closed) {
                return;
            }
            attempts.incrementAndGet();
            boolean[] up = {false};
            channel = bootstrap.handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline().addLast("tls", context.newHandler(ch.alloc(), server.getHostString(), server.getPort()));
                    ch.pipeline().addLast("idle", new ChannelInboundHandlerAdapter() {
                        @Override
                        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                            if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
                                up[0] = true;
                                connected.incrementAndGet();
                            }
                            ctx.fireUserEventTriggered(evt);
                        }

                        @Override
                        public void channelRead(ChannelHandlerContext ctx, Object msg) {
                            ReferenceCountUtil.release(msg);
                        }

                        @Override
                        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                            ctx.close();
                        }
                    });
                }
            }).connect(server).channel();
            channel.closeFuture().addListener(f -> {
                if (up[0]) {
                    connected.decrementAndGet();
                }
                if (!closed) {
                    backoffs.incrementAndGet();
                    channel.eventLoop().schedule(this::dial, 1000 + ThreadLocalRandom.current().nextInt(1000),
                            TimeUnit.MILLISECONDS);
                }
            });
        }

        @Override
        public void close() {
            closed = true;
            io.netty.channel.Channel c = channel;
            if (c != null) {
                c.close();
            }
        }
    }
}
