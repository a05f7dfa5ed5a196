package dev.gangway.tunnel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local TCP listener whose every accepted connection is spliced into a new tunnel stream (like
 * {@code ssh -L}); used by the benchmark and the client.
 *
 * <h2>Lifecycle</h2> An accepted connection is not read until its stream is up; if the stream fails the
 * connection is closed (the reason is logged). {@link #close()} stops listening and closes every connection.
 */
public final class LocalForwarder implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalForwarder.class);

    private final Channel server;
    private final EventLoopGroup ownedGroup;
    private final ChannelGroup accepted;

    private LocalForwarder(Channel server, EventLoopGroup ownedGroup, ChannelGroup accepted) {
        this.server = server;
        this.ownedGroup = ownedGroup;
        this.accepted = accepted;
    }

    /** Listens on {@code bind}; {@code streams} opens one stream per accepted connection. */
    public static LocalForwarder listen(InetSocketAddress bind, Supplier<CompletableFuture<Channel>> streams)
            throws InterruptedException {
        EventLoopGroup group = Transport.newGroup(1, "gangway-forwarder");
        try {
            return listen(bind, streams, group, group);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /**
     * Listens on a shared group (the stream client's, so both legs of a splice share a thread); {@link #close()}
     * does not shut it down.
     */
    public static LocalForwarder listen(InetSocketAddress bind, Supplier<CompletableFuture<Channel>> streams,
            EventLoopGroup group) throws InterruptedException {
        return listen(bind, streams, group, null);
    }

    private static LocalForwarder listen(InetSocketAddress bind, Supplier<CompletableFuture<Channel>> streams,
            EventLoopGroup group, EventLoopGroup owned) throws InterruptedException {
        ChannelGroup accepted = new DefaultChannelGroup("forwarded", GlobalEventExecutor.INSTANCE);
        Channel server = new ServerBootstrap()
                .group(group)
                .channel(Transport.serverChannel(group))
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, H2.SOCKET_WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        accepted.add(ch);
                        ch.pipeline().addLast("forward", new Forward(streams));
                    }
                })
                .bind(bind).sync().channel();
        return new LocalForwarder(server, owned, accepted);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        accepted.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (ownedGroup != null) {
            ownedGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private static final class Forward extends ChannelInboundHandlerAdapter {
        private final Supplier<CompletableFuture<Channel>> streams;

        Forward(Supplier<CompletableFuture<Channel>> streams) {
            this.streams = streams;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel local = ctx.channel();
            CompletableFuture<Channel> stream;
            try {
                stream = streams.get();
            } catch (RuntimeException e) {
                stream = CompletableFuture.failedFuture(e);
            }
            stream.whenComplete((remote, error) -> {
                if (error != null) {
                    log.info("forwarded connection from {} closed: {}", local.remoteAddress(), RelayConnection.brief(error));
                    local.close();
                    return;
                }
                // The splice closes both sides if the local connection went away meanwhile.
                local.eventLoop().execute(() -> Splice.bridge(local, remote));
            });
            ctx.fireChannelActive();
        }
    }
}
