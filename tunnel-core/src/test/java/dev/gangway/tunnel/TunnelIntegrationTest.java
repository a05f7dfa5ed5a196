package dev.gangway.tunnel;

import static dev.gangway.tunnel.TunnelFixture.await;
import static dev.gangway.tunnel.TunnelFixture.echoRoundTrip;
import static dev.gangway.tunnel.TunnelFixture.eventually;
import static dev.gangway.tunnel.TunnelFixture.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TunnelIntegrationTest {

    private TunnelFixture fx;

    @BeforeEach
    void setUp() throws Exception {
        fx = new TunnelFixture();
        fx.startRelay(b -> { });
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    @Test
    void bytesRoundTripThroughAnInProcessStream() throws Exception {
        TunnelClient agent = fx.onlineAgent("dev-1");
        assertThat(agent.state()).isEqualTo(TunnelClient.State.CONNECTED);
        // isOnline turns true just before the listener hears tunnelUp
        eventually(() -> fx.events.count("up dev-1") == 1);
        assertThat(fx.events.agentInfos).containsExactly("{\"agentVersion\":\"test\",\"hostname\":\"lan\",\"services\":[]}");

        Channel stream = await(fx.relay.openStream(fx.ticket("dev-1", fx.echo.target())));
        assertThat(stream.config().isAutoRead()).isFalse();
        byte[] data = randomBytes(1024 * 1024 + 17, 1);
        assertThat(echoRoundTrip(stream, data)).isEqualTo(data);

        stream.close().sync();
        eventually(() -> fx.events.count("closed ") == 1);
        assertThat(fx.events.streamBytes.get(0)).containsExactly(data.length, data.length);
    }

    @Test
    void targetOutsideTheAllowlistIsRefusedByTheAgent() throws Exception {
        fx.onlineAgent("dev-1");
        LanTarget other = new LanTarget("127.0.0.1", 1);
        assertThatThrownBy(() -> await(fx.relay.openStream(fx.ticket("dev-1", other))))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOfSatisfying(TunnelException.class,
                        e -> assertThat(e.error()).isEqualTo(TunnelError.TARGET_NOT_ALLOWED));
    }

    @Test
    void allowedNameResolvingToLoopbackIsRefused() throws Exception {
        // The allowlist names "localhost": a name that resolves to the agent's own machine (DNS rebinding).
        LanTarget byName = new LanTarget("localhost", fx.echo.target().port());
        fx.knownDevices.add("dev-1");
        fx.startAgent(fx.agentBuilder(fx.pki.device("dev-1"), TunnelFixture.allowOnly(byName)));
        eventually(() -> fx.relay.isOnline("dev-1"));
        assertThatThrownBy(() -> await(fx.relay.openStream(fx.ticket("dev-1", byName))))
                .cause().isInstanceOfSatisfying(TunnelException.class,
                        e -> assertThat(e.error()).isEqualTo(TunnelError.TARGET_NOT_ALLOWED));
    }

    @Test
    void unreachableTargetIsReported() throws Exception {
        fx.knownDevices.add("dev-1");
        java.net.ServerSocket closed = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
        LanTarget dead = new LanTarget("127.0.0.1", closed.getLocalPort());
        closed.close();
        fx.startAgent(fx.agentBuilder(fx.pki.device("dev-1"), t -> { }));
        eventually(() -> fx.relay.isOnline("dev-1"));
        assertThatThrownBy(() -> await(fx.relay.openStream(fx.ticket("dev-1", dead))))
                .cause().isInstanceOfSatisfying(TunnelException.class,
                        e -> assertThat(e.error()).isEqualTo(TunnelError.TARGET_UNREACHABLE));
    }

    @Test
    void streamToAnOfflineDeviceIsRefused() {
        assertThatThrownBy(() -> await(fx.relay.openStream(fx.ticket("nobody", fx.echo.target()))))
                .cause().isInstanceOfSatisfying(TunnelException.class,
                        e -> assertThat(e.error()).isEqualTo(TunnelError.DEVICE_OFFLINE));
    }

    @Test
    void badTicketIsRefusedByTheRelay() throws Exception {
        fx.onlineAgent("dev-1");
        String forged = Tickets.sign(new StreamTicket("t", "acme", "alice", "dev-1", fx.echo.target(),
                java.time.Instant.now().plusSeconds(60)), Tickets.generateKeyPair().getPrivate());
        assertThatThrownBy(() -> await(fx.relay.openStream(forged)))
                .cause().isInstanceOfSatisfying(TunnelException.class,
                        e -> assertThat(e.error()).isEqualTo(TunnelError.BAD_TICKET));
    }

    @Test
    void aStreamThatIsNeverReadDoesNotBlockAnotherStream() throws Exception {
        fx.onlineAgent("dev-1");
        Channel stalled = await(fx.relay.openStream(fx.ticket("dev-1", fx.echo.target())));
        TunnelFixture.Collector stalledReader = TunnelFixture.Collector.attachPaused(stalled);
        // Four times the stream window: its echo fills the window back to the relay and waits there.
        byte[] chunk = randomBytes(64 * 1024, 2);
        int chunks = 4 * H2.STREAM_WINDOW / chunk.length;
        for (int i = 0; i < chunks; i++) {
            stalled.writeAndFlush(Unpooled.wrappedBuffer(chunk));
        }

        Channel second = await(fx.relay.openStream(fx.ticket("dev-1", fx.echo.target())));
        byte[] data = randomBytes(512 * 1024, 3);
        assertThat(echoRoundTrip(second, data)).isEqualTo(data);
        second.close();
        assertThat(stalled.isActive()).isTrue();
        assertThat(stalledReader.size()).isZero();

        // Once read, the stalled stream delivers every byte it was given, in order.
        stalledReader.resume(stalled);
        eventually(() -> stalledReader.size() >= chunks * chunk.length);
        byte[] back = stalledReader.bytes();
        assertThat(back.length).isEqualTo(chunks * chunk.length);
        for (int offset = 0; offset < back.length; offset += chunk.length) {
            assertThat(java.util.Arrays.copyOfRange(back, offset, offset + chunk.length)).isEqualTo(chunk);
        }
        stalled.close();
    }

    @Test
    void aStreamWhoseTargetStopsReadingTurnsUnwritableWithoutBlockingAnother() throws Exception {
        try (java.net.ServerSocket blackHole = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            java.util.List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        held.add(blackHole.accept()); // accepted, never read
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            fx.knownDevices.add("dev-1");
            fx.startAgent(fx.agentBuilder(fx.pki.device("dev-1"), t -> { }));
            eventually(() -> fx.relay.isOnline("dev-1"));

            Channel stalled = await(fx.relay.openStream(fx.ticket("dev-1", new LanTarget("127.0.0.1", blackHole.getLocalPort()))));
            byte[] chunk = randomBytes(64 * 1024, 4);
            long written = 0;
            long limit = 256L * 1024 * 1024;
            long quietSince = System.nanoTime();
            while (written < limit && System.nanoTime() - quietSince < java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(500)) {
                if (stalled.isWritable()) {
                    stalled.writeAndFlush(Unpooled.wrappedBuffer(chunk));
                    written += chunk.length;
                    quietSince = System.nanoTime();
                } else {
                    Thread.sleep(10);
                }
            }
            // Stopped by backpressure (the kernel's socket buffers may still grow a little, so writability itself
            // is checked exactly in StreamProtocolTest).
            assertThat(written).as("backpressure stops the writer").isLessThan(limit);

            Channel second = await(fx.relay.openStream(fx.ticket("dev-1", fx.echo.target())));
            byte[] data = randomBytes(512 * 1024, 5);
            assertThat(echoRoundTrip(second, data)).isEqualTo(data);
            assertThat(stalled.isActive()).isTrue();
            second.close();
            stalled.close();
            for (java.net.Socket socket : held) {
                socket.close();
            }
        }
    }

    @Test
    void unknownAndRevokedDevicesAreRefused() throws Exception {
        TestPki.Issued stranger = fx.pki.device("stranger");
        TunnelClient unknown = fx.startAgent(fx.agentBuilder(stranger, t -> { }));
        eventually(() -> unknown.lastError() == TunnelError.UNKNOWN_DEVICE);

        fx.knownDevices.add("dev-2");
        TestPki.Issued revokedCert = fx.pki.device("dev-2");
        fx.revokedSerials.add(revokedCert.serialHex());
        TunnelClient revoked = fx.startAgent(fx.agentBuilder(revokedCert, t -> { }));
        eventually(() -> revoked.lastError() == TunnelError.REVOKED);

        assertThat(fx.relay.onlineDevices()).isEmpty();
        assertThat(unknown.state()).isNotEqualTo(TunnelClient.State.CONNECTED);
        assertThat(fx.events.count("up ")).isZero();
    }

    @Test
    void secondTunnelWithTheSameCertificateIsRefusedWhileTheFirstIsAlive() throws Exception {
        fx.knownDevices.add("dev-1");
        TestPki.Issued cert = fx.pki.device("dev-1");
        TunnelClient first = fx.startAgent(fx.agentBuilder(cert, TunnelFixture.allowOnly(fx.echo.target())));
        eventually(() -> fx.relay.isOnline("dev-1"));
        TunnelClient second = fx.startAgent(fx.agentBuilder(cert, TunnelFixture.allowOnly(fx.echo.target())));
        eventually(() -> second.lastError() == TunnelError.DUPLICATE_TUNNEL);

        assertThat(first.state()).isEqualTo(TunnelClient.State.CONNECTED);
        assertThat(fx.events.count("up ")).isEqualTo(1);
        Channel stream = await(fx.relay.openStream(fx.ticket("dev-1", fx.echo.target())));
        byte[] data = randomBytes(1000, 4);
        assertThat(echoRoundTrip(stream, data)).isEqualTo(data);
        second.close();
    }

    @Test
    void deadAgentIsDetectedByKeepalive() throws Exception {
        fx.relay.close();
        fx.startRelay(b -> b.keepalive(java.time.Duration.ofMillis(200), java.time.Duration.ofMillis(300)));
        fx.knownDevices.add("dev-1");
        try (FreezableProxy proxy = new FreezableProxy(fx.relayAddress())) {
            TunnelClient agent = fx.startAgent(fx.agentBuilder(fx.pki.device("dev-1"), t -> { })
                    .relayLocator(proxy::address)
                    // the agent PINGs every 400 ms but would wait a minute for the answer: the relay finds out first,
                    // after 1.5 x 400 ms of silence and its own 300 ms timeout
                    .keepalive(java.time.Duration.ofMillis(400), java.time.Duration.ofSeconds(60)));
            eventually(() -> fx.relay.isOnline("dev-1"));
            assertThat(fx.relay.keepaliveWait("dev-1")).isEqualTo(java.time.Duration.ofMillis(600));
            proxy.freeze();
            eventually(() -> fx.events.count("down dev-1") == 1);
            assertThat(fx.relay.isOnline("dev-1")).isFalse();
            assertThat(fx.events.log).anyMatch(e -> e.startsWith("down dev-1 no answer to keepalive"));
            agent.close();
        }
    }

    @Test
    void drainedAgentReconnects() throws Exception {
        java.util.List<TunnelClient.State> states = new java.util.concurrent.CopyOnWriteArrayList<>();
        fx.knownDevices.add("dev-1");
        fx.startAgent(fx.agentBuilder(fx.pki.device("dev-1"), TunnelFixture.allowOnly(fx.echo.target()))
                .stateListener(states::add));
        eventually(() -> fx.relay.isOnline("dev-1"));
        Channel live = await(fx.relay.openStream(fx.ticket("dev-1", fx.echo.target())));

        fx.relay.drain("dev-1");
        eventually(() -> fx.events.count("up dev-1") == 2);
        assertThat(states).containsSubsequence(TunnelClient.State.CONNECTED, TunnelClient.State.DRAINING,
                TunnelClient.State.CONNECTING, TunnelClient.State.CONNECTED);
        // The stream that was live during the drain still works; new streams use the new tunnel.
        byte[] data = randomBytes(100_000, 5);
        assertThat(echoRoundTrip(live, data)).isEqualTo(data);
        Channel fresh = await(fx.relay.openStream(fx.ticket("dev-1", fx.echo.target())));
        assertThat(echoRoundTrip(fresh, data)).isEqualTo(data);
        live.close();
        fresh.close();
    }

    @Test
    void agentReconnectsAfterRelayRestart() throws Exception {
        java.util.List<TunnelClient.State> states = new java.util.concurrent.CopyOnWriteArrayList<>();
        fx.knownDevices.add("dev-1");
        TunnelClient agent = fx.startAgent(fx.agentBuilder(fx.pki.device("dev-1"), TunnelFixture.allowOnly(fx.echo.target()))
                .stateListener(states::add));
        eventually(() -> fx.relay.isOnline("dev-1"));
        fx.relay.close();
        eventually(() -> agent.state() != TunnelClient.State.CONNECTED);
        // a shutdown is no drain: the agent backs off (jittered) instead of redialling the whole fleet at once
        assertThat(states).containsSubsequence(TunnelClient.State.CONNECTED, TunnelClient.State.BACKOFF)
                .doesNotContain(TunnelClient.State.DRAINING);
        fx.startRelay(b -> { });
        eventually(() -> fx.relay.isOnline("dev-1"));
        assertThat(agent.state()).isEqualTo(TunnelClient.State.CONNECTED);
        Channel stream = await(fx.relay.openStream(fx.ticket("dev-1", fx.echo.target())));
        byte[] data = randomBytes(10_000, 6);
        assertThat(echoRoundTrip(stream, data)).isEqualTo(data);
    }

    @Test
    void disconnectClosesTheTunnelAndItsStreams() throws Exception {
        fx.knownDevices.add("dev-1");
        TestPki.Issued cert = fx.pki.device("dev-1");
        TunnelClient agent = fx.startAgent(fx.agentBuilder(cert, TunnelFixture.allowOnly(fx.echo.target())));
        eventually(() -> fx.relay.isOnline("dev-1"));
        Channel stream = await(fx.relay.openStream(fx.ticket("dev-1", fx.echo.target())));

        fx.revokedSerials.add(cert.serialHex());
        fx.relay.disconnect("dev-1", TunnelError.REVOKED);
        assertThat(stream.closeFuture().await(10, TimeUnit.SECONDS)).isTrue();
        eventually(() -> fx.events.count("down dev-1") == 1);
        assertThat(fx.relay.isOnline("dev-1")).isFalse();
        // The agent is told why and keeps being refused while the certificate stays revoked.
        eventually(() -> agent.lastError() == TunnelError.REVOKED);
        assertThat(fx.events.count("up dev-1")).isEqualTo(1);
    }

    @Test
    void revocationBetweenTheFirstCheckAndRegistrationClosesTheTunnel() throws Exception {
        // The first check says OK; the revocation then commits before disconnect could see the tunnel, so only
        // the relay's second check can catch it.
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        restartRelayCounting(calls, true);
        fx.knownDevices.add("dev-r");
        TunnelClient agent = fx.startAgent(fx.agentBuilder(fx.pki.device("dev-r"), t -> { }));

        eventually(() -> agent.lastError() == TunnelError.REVOKED);
        eventually(() -> !fx.relay.isOnline("dev-r"));
        assertThat(calls.get()).isGreaterThanOrEqualTo(2);
        assertThat(fx.relay.onlineDevices()).doesNotContain("dev-r");
        // Down is reported once for an up, never for a tunnel that was closed before it came up.
        eventually(() -> fx.events.count("down dev-r") == fx.events.count("up dev-r"));
        assertThat(fx.events.count("up dev-r")).isLessThanOrEqualTo(1);
        assertThatThrownBy(() -> await(fx.relay.openStream(fx.ticket("dev-r", fx.echo.target()))))
                .cause().isInstanceOfSatisfying(TunnelException.class,
                        e -> assertThat(e.error()).isEqualTo(TunnelError.DEVICE_OFFLINE));
    }

    @Test
    void aSecondCheckThatStillAuthorizesKeepsTheTunnelUp() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        restartRelayCounting(calls, false);
        TunnelClient agent = fx.onlineAgent("dev-1");
        eventually(() -> calls.get() == 2);

        assertThat(fx.relay.isOnline("dev-1")).isTrue();
        assertThat(agent.state()).isEqualTo(TunnelClient.State.CONNECTED);
        assertThat(agent.lastError()).isNull();
        Channel stream = await(fx.relay.openStream(fx.ticket("dev-1", fx.echo.target())));
        byte[] data = randomBytes(10_000, 7);
        assertThat(echoRoundTrip(stream, data)).isEqualTo(data);
        stream.close();
        assertThat(fx.events.count("up dev-1")).isEqualTo(1);
        assertThat(fx.events.count("down ")).isZero();
        assertThat(calls.get()).isEqualTo(2);
    }

    /** A relay whose authorizer counts its calls and, if {@code revokeAfterFirst}, refuses every call after the first. */
    private void restartRelayCounting(java.util.concurrent.atomic.AtomicInteger calls, boolean revokeAfterFirst)
            throws InterruptedException {
        fx.relay.close();
        fx.startRelay(b -> b.deviceAuthorizer(certificate -> {
            DeviceIdentity identity = fx.authorize(certificate);
            if (calls.incrementAndGet() > 1 && revokeAfterFirst) {
                throw TunnelException.of(TunnelError.REVOKED, identity.certificateSerial());
            }
            return identity;
        }));
    }

    @Test
    void streamsPerTunnelAreCapped() throws Exception {
        fx.relay.close();
        fx.startRelay(b -> b.maxStreamsPerTunnel(2));
        fx.onlineAgent("dev-1");
        Channel one = await(fx.relay.openStream(fx.ticket("dev-1", fx.echo.target())));
        Channel two = await(fx.relay.openStream(fx.ticket("dev-1", fx.echo.target())));
        assertThatThrownBy(() -> await(fx.relay.openStream(fx.ticket("dev-1", fx.echo.target()))))
                .cause().isInstanceOfSatisfying(TunnelException.class,
                        e -> assertThat(e.error()).isEqualTo(TunnelError.TOO_MANY_STREAMS));
        one.close().sync();
        eventually(() -> {
            try {
                await(fx.relay.openStream(fx.ticket("dev-1", fx.echo.target()))).close();
                return true;
            } catch (Exception e) {
                return false;
            }
        });
        two.close();
    }
}
