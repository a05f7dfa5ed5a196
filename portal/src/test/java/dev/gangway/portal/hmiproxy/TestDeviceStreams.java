package dev.gangway.portal.hmiproxy;

import dev.gangway.portal.relay.DeviceStreams;
import dev.gangway.tunnel.LanTarget;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for the relay in these unit tests: a "device stream" is a plain TCP connection to the test backend,
 * with the same properties as a relay stream (raw bytes, auto-read off). The end-to-end tests cover the real path.
 */
final class TestDeviceStreams implements DeviceStreams, AutoCloseable {

    /** One call of {@link #open}. */
    record Opened(String account, String user, String deviceId, LanTarget target) {
    }

    final List<Opened> opened = new CopyOnWriteArrayList<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final InetSocketAddress backend;
    volatile Throwable failure;
    volatile boolean neverAnswer;

    TestDeviceStreams(InetSocketAddress backend) {
        this.backend = backend;
    }

    @Override
    public CompletableFuture<Channel> open(String account, String user, String deviceId, LanTarget target) {
        opened.add(new Opened(account, user, deviceId, target));
        CompletableFuture<Channel> result = new CompletableFuture<>();
        if (failure != null) {
            result.completeExceptionally(failure);
            return result;
        }
        if (neverAnswer) {
            return result;
        }
        new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        // the proxy installs its own handlers
                    }
                })
                .connect(backend)
                .addListener(f -> {
                    if (f.isSuccess()) {
                        result.complete(((io.netty.channel.ChannelFuture) f).channel());
                    } else {
                        result.completeExceptionally(f.cause());
                    }
                });
        return result;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
