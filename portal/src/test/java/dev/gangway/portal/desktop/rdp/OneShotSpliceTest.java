package dev.gangway.portal.desktop.rdp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.portal.MachineTools;
import dev.gangway.portal.desktop.SocketTunnelStream;
import dev.gangway.portal.desktop.TunnelStream;
import dev.gangway.portal.desktop.TunnelStreamOpener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one-shot splice: one connection from an expected peer, bytes both ways, clean ends, nothing left. */
class OneShotSpliceTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @AfterEach
    void noThreadLeft() {
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(Thread::isAlive).extracting(Thread::getName)
                .filteredOn(n -> n.startsWith("gangway-desktop-")).isEmpty();
    }

    @Test
    void copiesBothWaysThenEndsWhenTheEngineHangsUp() throws Exception {
        try (ServerSocket service = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CountDownLatch ended = new CountDownLatch(1);
            AtomicInteger opens = new AtomicInteger();
            TunnelStreamOpener opener = () -> {
                opens.incrementAndGet();
                return SocketTunnelStream.connectLoopback(service.getLocalPort());
            };
            OneShotSplice splice = OneShotSplice.loopback("t1", opener, WAIT, ended::countDown);
            assertThat(splice.address().getHostAddress()).isEqualTo("127.0.0.1");
            Socket engine = new Socket(InetAddress.getLoopbackAddress(), splice.port());
            try (Socket device = accept(service)) {
                engine.getOutputStream().write("to the device".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(device.getInputStream().readNBytes(13), StandardCharsets.US_ASCII))
                        .isEqualTo("to the device");
                device.getOutputStream().write("to the engine".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(engine.getInputStream().readNBytes(13), StandardCharsets.US_ASCII))
                        .isEqualTo("to the engine");
                assertThat(splice.spliced()).isTrue();

                // a second connection finds the listener closed
                try (Socket second = new Socket()) {
                    second.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), splice.port()), 2000);
                    throw new AssertionError("the listener accepted a second connection");
                } catch (IOException expected) {
                    // refused: exactly one connection
                }

                engine.close();
                assertThat(device.getInputStream().read()).as("the device stream is closed too").isEqualTo(-1);
                assertThat(ended.await(20, TimeUnit.SECONDS)).isTrue();
            }
            splice.close();
            assertThat(splice.failure()).isNull();
            assertThat(opens).hasValue(1);
        }
    }

    @Test
    void refusesOtherPeersAndKeepsWaitingForTheExpectedOne() throws Exception {
        InetAddress expected = InetAddress.getByName("127.0.0.2");
        try (ServerSocket service = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicInteger opens = new AtomicInteger();
            TunnelStreamOpener opener = () -> {
                opens.incrementAndGet();
                return SocketTunnelStream.connectLoopback(service.getLocalPort());
            };
            OneShotSplice splice = OneShotSplice.open("t2", InetAddress.getByName("127.0.0.1"), Set.of(expected),
                    opener, WAIT, null);
            try (Socket stranger = new Socket(InetAddress.getLoopbackAddress(), splice.port())) {
                assertThat(stranger.getInputStream().read()).as("a stranger is hung up on").isEqualTo(-1);
            }
            assertThat(opens).as("no stream opened for a stranger").hasValue(0);
            try (Socket engine = new Socket()) {
                engine.bind(new InetSocketAddress(expected, 0));
                engine.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), splice.port()));
                try (Socket device = accept(service)) {
                    engine.getOutputStream().write(1);
                    assertThat(device.getInputStream().read()).isEqualTo(1);
                }
            }
            splice.close();
            assertThat(opens).hasValue(1);
        }
    }

    @Test
    void withTheEnginesPidOnlyThatProcessTreeIsAccepted() throws Exception {
        // Linux always has it; elsewhere the splice falls back to the address check (tested above)
        MachineTools.require(LoopbackPeer.supported(), "no /proc/net/tcp here");
        try (ServerSocket service = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicInteger opens = new AtomicInteger();
            TunnelStreamOpener opener = () -> {
                opens.incrementAndGet();
                return SocketTunnelStream.connectLoopback(service.getLocalPort());
            };
            // the engine is a bash (as bwrap is in production) whose child connects; this JVM, the engine's parent
            // and not its descendant, connecting first is hung up on
            AtomicLong enginePid = new AtomicLong();
            OneShotSplice splice = OneShotSplice.loopback("t7", opener, WAIT, null, enginePid::get);
            Process engine = new ProcessBuilder("bash", "-c", "read go; bash -c 'exec 3<>/dev/tcp/127.0.0.1/"
                    + splice.port() + "; printf 9 >&3; cat <&3 >/dev/null'").start();
            enginePid.set(engine.pid());
            try (Socket stranger = new Socket(InetAddress.getLoopbackAddress(), splice.port())) {
                stranger.setSoTimeout((int) WAIT.toMillis());
                assertThat(stranger.getInputStream().read()).as("the stranger is hung up on").isEqualTo(-1);
            }
            assertThat(opens).as("no stream opened for another process").hasValue(0);

            engine.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
            engine.getOutputStream().flush();
            try (Socket device = accept(service)) {
                assertThat(device.getInputStream().read()).as("the engine's child's byte").isEqualTo('9');
            }
            engine.destroy();
            engine.waitFor();
            splice.close();
            assertThat(opens).hasValue(1);
        }
    }

    @Test
    void anOpenerFailureIsKeptForTheUserAndHangsUp() throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        OneShotSplice splice = OneShotSplice.loopback("t3", () -> {
            throw new IOException("the device is offline");
        }, WAIT, ended::countDown);
        try (Socket engine = new Socket(InetAddress.getLoopbackAddress(), splice.port())) {
            assertThat(engine.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(ended.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(splice.failure()).isEqualTo("the device is offline");
        assertThat(splice.spliced()).isFalse();
        splice.close();
    }

    @Test
    void noConnectionInTimeIsAFailure() throws Exception {
        CountDownLatch ended = new CountDownLatch(1);
        OneShotSplice splice = OneShotSplice.loopback("t4", () -> {
            throw new AssertionError("not opened without a connection");
        }, Duration.ofMillis(200), ended::countDown);
        assertThat(ended.await(20, TimeUnit.SECONDS)).isTrue();
        assertThat(splice.failure()).isEqualTo("the desktop engine (t4) did not connect to the portal in time");
        splice.close();
    }

    @Test
    void closeWhileWaitingOrCopyingReleasesEverything() throws Exception {
        OneShotSplice waiting = OneShotSplice.loopback("t5", () -> {
            throw new AssertionError("not opened");
        }, WAIT, null);
        waiting.close();
        assertThat(waiting.failure()).as("closing is not a failure").isNull();
        try (Socket late = new Socket()) {
            late.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), waiting.port()), 2000);
            throw new AssertionError("the listener is still open");
        } catch (IOException expected) {
            // closed
        }

        try (ServerSocket service = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            TunnelStream[] opened = new TunnelStream[1];
            OneShotSplice copying = OneShotSplice.loopback("t6", () -> {
                opened[0] = SocketTunnelStream.connectLoopback(service.getLocalPort());
                return opened[0];
            }, WAIT, null);
            try (Socket engine = new Socket(InetAddress.getLoopbackAddress(), copying.port());
                    Socket device = accept(service)) {
                engine.getOutputStream().write(7);
                assertThat(device.getInputStream().read()).isEqualTo(7);
                copying.close();
                assertThat(engine.getInputStream().read()).isEqualTo(-1);
                assertThat(device.getInputStream().read()).isEqualTo(-1);
            }
        }
    }

    private static Socket accept(ServerSocket service) throws IOException {
        service.setSoTimeout(20_000);
        return service.accept();
    }
}
