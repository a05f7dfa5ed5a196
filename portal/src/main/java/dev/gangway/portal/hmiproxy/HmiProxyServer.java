package dev.gangway.portal.hmiproxy;

import dev.gangway.portal.relay.DeviceStreams;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The HMI proxy's listener: a Netty HTTP/1.1 server on {@code gangway.hmi.port} that serves every HMI session at
 * its own host name and forwards to the device through {@link DeviceStreams}.
 *
 * <h2>Lifecycle</h2>
 * A {@link SmartLifecycle} bean: {@link #start()} binds (failing with a message naming the port setting),
 * starts the sweeper that, every {@value #SWEEP_SECONDS} seconds, ends expired sessions and hands the bytes so far
 * of the live ones to the connection report; {@link #stop()} closes the listener and every connection, and ends
 * the live sessions ("portal stopped"), waiting a few seconds for their connection records to be closed.
 * It has its own event loops (epoll when available), separate from the relay's.
 *
 * <h2>Hostile input</h2>
 * Malformed or oversized requests and connections that do not deliver a complete request head in time are
 * closed one by one; see {@link ProxyConnection}.
 */
public final class HmiProxyServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(HmiProxyServer.class);
    static final long SWEEP_SECONDS = 10;
    private static final Duration REPORT_FLUSH = Duration.ofSeconds(5);

    private final HmiProxySettings settings;
    private final HmiSessionRegistry registry;
    private final DeviceStreams deviceStreams;
    private EventLoopGroup bossGroup;
    private EventLoopGroup workerGroup;
    private ChannelGroup connections;
    private Channel listener;
    private volatile int port = -1;

    public HmiProxyServer(HmiSessionRegistry registry, DeviceStreams deviceStreams) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.settings = registry.settings();
        this.deviceStreams = Objects.requireNonNull(deviceStreams, "deviceStreams");
    }

    @Override
    public synchronized void start() {
        if (listener != null) {
            return;
        }
        Transport transport = Transport.pick();
        IoHandlerFactory io = transport.io();
        bossGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("hmi-proxy-accept", true), io);
        workerGroup = new MultiThreadIoEventLoopGroup(0, new DefaultThreadFactory("hmi-proxy", true), io);
        connections = new DefaultChannelGroup("hmi-proxy", GlobalEventExecutor.INSTANCE);
        HttpDecoderConfig requests = new HttpDecoderConfig()
                .setMaxInitialLineLength(8192)
                .setMaxHeaderSize(settings.maxHeaderSize())
                .setMaxChunkSize(64 * 1024)
                .setUseRfc9112TransferEncoding(true);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.add(ch);
                        ByteCounter counter = new ByteCounter();
                        ch.pipeline()
                                .addLast("bytes", counter)
                                .addLast(ProxyConnection.CODEC, new HttpServerCodec(requests))
                                .addLast("proxy", new ProxyConnection(registry, deviceStreams, counter));
                    }
                });
        InetSocketAddress address = new InetSocketAddress(settings.bindAddress(), settings.port());
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            shutDownGroups();
            throw new IllegalStateException("The HMI proxy could not listen on " + settings.bindAddress() + ":"
                    + settings.port() + ": " + bound.cause().getMessage() + ". Set gangway.hmi.port"
                    + " (GANGWAY_HMI_PORT) to a free port or stop what uses this one.", bound.cause());
        }
        listener = bound.channel();
        port = ((InetSocketAddress) listener.localAddress()).getPort();
        registry.boundTo(port);
        workerGroup.next().scheduleAtFixedRate(this::sweep, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
        log.info("HMI proxy listening on {}:{} ({}), sessions at {}", settings.bindAddress(), port,
                transport.name(), registry.originOf("<session>"));
    }

    @Override
    public synchronized void stop() {
        if (listener == null) {
            return;
        }
        listener.close().awaitUninterruptibly();
        connections.close().awaitUninterruptibly();
        int ended = registry.endAll("portal stopped");
        registry.flushReport(REPORT_FLUSH);
        if (ended > 0) {
            log.info("Ended {} HMI session(s): the portal stops", ended);
        }
        listener = null;
        port = -1;
        shutDownGroups();
        log.info("HMI proxy stopped");
    }

    @Override
    public boolean isRunning() {
        return port >= 0;
    }

    /** The port the proxy listens on, or -1 when stopped. */
    public int port() {
        return port;
    }

    /** Native epoll when its classes and library are there (the portal has them at run time only), else NIO. */
    private record Transport(String name, IoHandlerFactory io, Class<? extends ServerChannel> serverChannel) {

        static Transport pick() {
            try {
                ClassLoader loader = HmiProxyServer.class.getClassLoader();
                Class<?> epoll = Class.forName("io.netty.channel.epoll.Epoll", true, loader);
                if ((Boolean) epoll.getMethod("isAvailable").invoke(null)) {
                    IoHandlerFactory factory = (IoHandlerFactory) Class
                            .forName("io.netty.channel.epoll.EpollIoHandler", true, loader)
                            .getMethod("newFactory").invoke(null);
                    Class<? extends ServerChannel> channel = Class
                            .forName("io.netty.channel.epoll.EpollServerSocketChannel", true, loader)
                            .asSubclass(ServerChannel.class);
                    return new Transport("epoll", factory, channel);
                }
            } catch (ReflectiveOperationException | LinkageError e) {
                log.debug("Native epoll is not available for the HMI proxy; using NIO", e);
            }
            return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class);
        }
    }

    private void sweep() {
        try {
            registry.endExpired();
            registry.reportProgress();
        } catch (RuntimeException e) {
            log.warn("Ending expired HMI sessions or reporting their bytes failed", e);
        }
    }

    private void shutDownGroups() {
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
