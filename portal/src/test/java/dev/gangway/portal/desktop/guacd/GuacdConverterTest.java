package dev.gangway.portal.desktop.guacd;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.portal.desktop.DesktopCredentials;
import dev.gangway.portal.desktop.DesktopEnd;
import dev.gangway.portal.desktop.DesktopRequest;
import dev.gangway.portal.desktop.DesktopSession;
import dev.gangway.portal.desktop.TunnelStream;
import dev.gangway.portal.desktop.TunnelStreamOpener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.net.InetGuacamoleSocket;
import org.apache.guacamole.protocol.ConfiguredGuacamoleSocket;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guacd converter against a fake guacd speaking the server side of the Guacamole protocol (guacd 1.5/1.6's
 * handshake and argument lists): the exact handshake instructions, the connect values in guacd's argument order,
 * the splice carrying guacd's connection to the device stream, relaying both ways, view-only filtering, and guacd's
 * errors, silence and absence giving clear ends. A real guacd was not run (none is packaged here).
 */
class GuacdConverterTest {

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void nothingLeft() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        assertThat(Thread.getAllStackTraces().keySet()).filteredOn(Thread::isAlive).extracting(Thread::getName)
                .filteredOn(n -> n.startsWith("gangway-desktop-")).as("threads of desktop sessions").isEmpty();
    }

    @Test
    void vncHandshakeFollowsTheProtocolAndTheSpliceReachesTheDevice() throws Exception {
        FakeGuacd guacd = track(new FakeGuacd());
        FakeDevice device = track(new FakeDevice());
        DesktopSession session = new GuacdConverter("127.0.0.1", guacd.port()).open(request("vnc", false,
                new DesktopCredentials(null, "vnc-secret", null), device));
        Running running = Running.start(session);

        assertThat(guacd.next()).hasToString("6.select,3.vnc;");
        guacd.send(new GuacamoleInstruction("args", FakeGuacd.VNC_ARGS));
        assertThat(guacd.next()).hasToString("4.size,4.1280,3.720,3.120;");
        assertThat(guacd.next()).hasToString("5.audio;");
        assertThat(guacd.next()).hasToString("5.video;");
        assertThat(guacd.next()).hasToString("5.image,9.image/png,10.image/jpeg,10.image/webp;");
        assertThat(guacd.next())
                .hasToString(new GuacamoleInstruction("timezone", ZoneId.systemDefault().getId()).toString());
        assertThat(guacd.next()).hasToString("4.name,7.gangway;");
        GuacamoleInstruction connect = guacd.next();
        assertThat(connect.getOpcode()).isEqualTo("connect");
        List<String> values = connect.getArgs();
        assertThat(values).hasSameSizeAs(FakeGuacd.VNC_ARGS);
        assertThat(values.get(0)).isEqualTo("VERSION_1_5_0");
        for (int i = 1; i < values.size(); i++) {
            String name = FakeGuacd.VNC_ARGS.get(i);
            String expected = switch (name) {
                case "hostname" -> "127.0.0.1";
                case "port" -> values.get(i);
                case "password" -> "vnc-secret";
                default -> "";
            };
            assertThat(values.get(i)).as(name).isEqualTo(expected);
        }

        // guacd connects to hostname:port from connect, and that connection is the device stream
        int port = Integer.parseInt(values.get(FakeGuacd.VNC_ARGS.indexOf("port")));
        try (Socket toService = new Socket(values.get(FakeGuacd.VNC_ARGS.indexOf("hostname")), port)) {
            toService.getOutputStream().write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(device.readLine()).isEqualTo("RFB 003.008");
            device.write("from the device\n");
            assertThat(new String(toService.getInputStream().readNBytes(16), StandardCharsets.US_ASCII))
                    .isEqualTo("from the device\n");

            guacd.send("5.ready,37.$a8ae3a62-0bca-4f0c-9ed9-0d5e4b3c6a1f;");
            guacd.send("4.size,1.0,4.1280,3.720;4.sync,3.100;");
            running.awaitSent("4.size,1.0,4.1280,3.720;4.sync,3.100;");
            session.receive(new GuacamoleInstruction("sync", "100"));
            session.receive(new GuacamoleInstruction("key", "65", "1"));
            assertThat(guacd.next()).hasToString("4.sync,3.100;");
            assertThat(guacd.next()).hasToString("3.key,2.65,1.1;");
        }
        guacd.send("10.disconnect;");
        assertThat(running.end()).isEqualTo(new DesktopEnd(GuacamoleStatus.SUCCESS, "guacd ended the session"));
    }

    @Test
    void theHandshakeIsTheOneGuacamoleCommonsOwnClientSends() throws Exception {
        // ours, for an RDP service with credentials
        List<String> ours = new ArrayList<>();
        String splicePort;
        try (FakeGuacd guacd = new FakeGuacd(); FakeDevice device = new FakeDevice()) {
            DesktopSession session = new GuacdConverter("127.0.0.1", guacd.port()).open(request("rdp", false,
                    new DesktopCredentials("operator", "rdp-secret", "PLANT"), device));
            Running running = Running.start(session);
            ours.add(guacd.next().toString());
            guacd.send(new GuacamoleInstruction("args", FakeGuacd.RDP_ARGS));
            GuacamoleInstruction instruction;
            do {
                instruction = guacd.next();
                ours.add(instruction.toString());
            } while (!instruction.getOpcode().equals("connect"));
            splicePort = instruction.getArgs().get(FakeGuacd.RDP_ARGS.indexOf("port"));
            session.close(DesktopEnd.closedByUser());
            running.end();
        }

        // guacamole-common's ConfiguredGuacamoleSocket with the same parameters and client information
        List<String> reference = new ArrayList<>();
        try (FakeGuacd guacd = new FakeGuacd()) {
            GuacamoleConfiguration config = new GuacamoleConfiguration();
            config.setProtocol("rdp");
            config.setParameter("hostname", "127.0.0.1");
            config.setParameter("port", splicePort);
            config.setParameter("username", "operator");
            config.setParameter("password", "rdp-secret");
            config.setParameter("domain", "PLANT");
            config.setParameter("ignore-cert", "true");
            GuacamoleClientInformation info = new GuacamoleClientInformation();
            info.setOptimalScreenWidth(1280);
            info.setOptimalScreenHeight(720);
            info.setOptimalResolution(120);
            info.getImageMimetypes().addAll(List.of("image/png", "image/jpeg", "image/webp"));
            info.setTimezone(ZoneId.systemDefault().getId());
            info.setName("gangway");
            CompletableFuture<Void> client = CompletableFuture.runAsync(() -> {
                try {
                    new ConfiguredGuacamoleSocket(new InetGuacamoleSocket("127.0.0.1", guacd.port()), config, info)
                            .close();
                } catch (GuacamoleException e) {
                    throw new IllegalStateException(e);
                }
            });
            reference.add(guacd.next().toString());
            guacd.send(new GuacamoleInstruction("args", FakeGuacd.RDP_ARGS));
            GuacamoleInstruction instruction;
            do {
                instruction = guacd.next();
                reference.add(instruction.toString());
            } while (!instruction.getOpcode().equals("connect"));
            guacd.send("5.ready,4.$ref;");
            client.get(20, TimeUnit.SECONDS);
        }
        assertThat(ours).containsExactlyElementsOf(reference);
    }

    @Test
    void rdpConnectValuesAndViewOnlyFiltering() throws Exception {
        FakeGuacd guacd = track(new FakeGuacd());
        FakeDevice device = track(new FakeDevice());
        DesktopSession session = new GuacdConverter("127.0.0.1", guacd.port()).open(request("rdp", true,
                new DesktopCredentials("operator", "rdp-secret", "PLANT"), device));
        Running running = Running.start(session);

        assertThat(guacd.next()).hasToString("6.select,3.rdp;");
        guacd.send(new GuacamoleInstruction("args", FakeGuacd.RDP_ARGS));
        GuacamoleInstruction connect = skipTo(guacd, "connect");
        List<String> values = connect.getArgs();
        assertThat(values).hasSameSizeAs(FakeGuacd.RDP_ARGS);
        for (int i = 1; i < values.size(); i++) {
            String name = FakeGuacd.RDP_ARGS.get(i);
            String expected = switch (name) {
                case "hostname" -> "127.0.0.1";
                case "port" -> values.get(i);
                case "username" -> "operator";
                case "password" -> "rdp-secret";
                case "domain" -> "PLANT";
                case "read-only", "disable-paste", "ignore-cert" -> "true";
                default -> "";
            };
            assertThat(values.get(i)).as(name).isEqualTo(expected);
        }
        guacd.send("5.ready,4.$rdp;4.sync,1.1;");
        running.awaitSent("4.sync,1.1;");

        // a viewer's keys, mouse, touch and clipboard (with its blob and end) never reach guacd; sync and size do
        session.receive(new GuacamoleInstruction("key", "65", "1"));
        session.receive(new GuacamoleInstruction("mouse", "10", "10", "1"));
        session.receive(new GuacamoleInstruction("touch", "0", "10", "10", "5", "5", "0", "1"));
        session.receive(new GuacamoleInstruction("clipboard", "3", "text/plain"));
        session.receive(new GuacamoleInstruction("blob", "3", "aGVsbG8="));
        session.receive(new GuacamoleInstruction("end", "3"));
        // nor credentials typed by a viewer (an RDP logon), nor blobs of streams never opened, however many
        session.receive(new GuacamoleInstruction("argv", "4", "text/plain", "password"));
        session.receive(new GuacamoleInstruction("blob", "4", "c2VjcmV0"));
        session.receive(new GuacamoleInstruction("end", "4"));
        for (int i = 10; i < 2000; i++) {
            session.receive(new GuacamoleInstruction("file", String.valueOf(i), "text/plain", "x"));
            session.receive(new GuacamoleInstruction("blob", String.valueOf(i), "eA=="));
        }
        session.receive(new GuacamoleInstruction("size", "800", "600"));
        session.receive(new GuacamoleInstruction("sync", "5"));
        assertThat(guacd.next()).as("the first instruction guacd gets after ready")
                .hasToString("4.size,3.800,3.600;");
        assertThat(guacd.next()).hasToString("4.sync,1.5;");

        session.close(DesktopEnd.closedByUser());
        assertThat(running.end()).isEqualTo(DesktopEnd.closedByUser());
        assertThat(device.opened).as("guacd never connected to the splice: no device stream opened").isFalse();
    }

    @Test
    void guacdErrorsEndTheSessionWithTheirStatusAndWords() throws Exception {
        FakeGuacd guacd = track(new FakeGuacd());
        FakeDevice device = track(new FakeDevice());
        DesktopSession session = new GuacdConverter("127.0.0.1", guacd.port()).open(request("rdp", false,
                new DesktopCredentials("operator", "wrong", null), device));
        Running running = Running.start(session);
        guacd.next();
        guacd.send(new GuacamoleInstruction("args", FakeGuacd.RDP_ARGS));
        skipTo(guacd, "connect");
        guacd.send("5.ready,4.$rdp;");
        guacd.send(new GuacamoleInstruction("error", "Authentication failure (invalid credentials?)", "769"));
        assertThat(running.end()).isEqualTo(new DesktopEnd(GuacamoleStatus.CLIENT_UNAUTHORIZED,
                "guacd reports: Authentication failure (invalid credentials?)"));
        assertThat(running.sent()).as("guacd's error is the session's end, not relayed").isEmpty();
    }

    @Test
    void anErrorDuringTheHandshakeEndsTheSession() throws Exception {
        FakeGuacd guacd = track(new FakeGuacd());
        FakeDevice device = track(new FakeDevice());
        DesktopSession session = new GuacdConverter("127.0.0.1", guacd.port()).open(request("rdp", false,
                DesktopCredentials.NONE, device));
        Running running = Running.start(session);
        guacd.next();
        guacd.send(new GuacamoleInstruction("error", "No such protocol installed.", "512"));
        assertThat(running.end()).isEqualTo(new DesktopEnd(GuacamoleStatus.SERVER_ERROR,
                "guacd reports: No such protocol installed."));
    }

    @Test
    void theTunnelsMessageWinsWhenTheDeviceCannotBeReached() throws Exception {
        FakeGuacd guacd = track(new FakeGuacd());
        TunnelStreamOpener offline = () -> {
            throw new IOException("the device is offline");
        };
        DesktopSession session = new GuacdConverter("127.0.0.1", guacd.port()).open(new DesktopRequest(
                "s-offline", "d-test", "vnc", "panel", "198.18.0.5:5900", false, DesktopCredentials.NONE, 1280, 720,
                120,
                offline));
        Running running = Running.start(session);
        guacd.next();
        guacd.send(new GuacamoleInstruction("args", FakeGuacd.VNC_ARGS));
        List<String> values = skipTo(guacd, "connect").getArgs();
        int port = Integer.parseInt(values.get(FakeGuacd.VNC_ARGS.indexOf("port")));
        guacd.send("5.ready,4.$vnc;");
        try (Socket toService = new Socket("127.0.0.1", port)) {
            assertThat(toService.getInputStream().read()).as("the splice closes guacd's connection").isEqualTo(-1);
        }
        guacd.send(new GuacamoleInstruction("error", "Unable to connect to VNC server.", "519"));
        assertThat(running.end()).isEqualTo(new DesktopEnd(GuacamoleStatus.UPSTREAM_UNAVAILABLE,
                "the device is offline"));
    }

    @Test
    void anOlderGuacdWithoutVersionGetsTheOldHandshake() throws Exception {
        FakeGuacd guacd = track(new FakeGuacd());
        FakeDevice device = track(new FakeDevice());
        DesktopSession session = new GuacdConverter("127.0.0.1", guacd.port()).open(request("vnc", false,
                new DesktopCredentials(null, "pw", null), device));
        Running running = Running.start(session);
        guacd.next();
        guacd.send("4.args,8.hostname,4.port,8.password,13.swap-red-blue,9.read-only;");
        List<String> opcodes = new ArrayList<>();
        GuacamoleInstruction instruction;
        do {
            instruction = guacd.next();
            opcodes.add(instruction.getOpcode());
        } while (!instruction.getOpcode().equals("connect"));
        assertThat(opcodes).containsExactly("size", "audio", "video", "image", "connect");
        assertThat(instruction.getArgs()).containsExactly("127.0.0.1", instruction.getArgs().get(1), "pw", "",
                "");
        guacd.drop();
        assertThat(running.end()).isEqualTo(new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR,
                "guacd closed the connection before the session was ready (guacd's log says why)"));
    }

    @Test
    void aMissingGuacdGivesAClearEnd() throws Exception {
        int unused;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            unused = probe.getLocalPort();
        }
        FakeDevice device = track(new FakeDevice());
        DesktopEnd end = new GuacdConverter("127.0.0.1", unused).open(request("vnc", false,
                DesktopCredentials.NONE, device)).run(s -> { });
        assertThat(end.status()).isEqualTo(GuacamoleStatus.UPSTREAM_NOT_FOUND);
        assertThat(end.message()).startsWith("the portal cannot reach guacd at 127.0.0.1:" + unused + ": ")
                .containsIgnoringCase("refused");
    }

    @Test
    void aSilentGuacdTimesOut() throws Exception {
        FakeGuacd guacd = track(new FakeGuacd());
        FakeDevice device = track(new FakeDevice());
        GuacdSettings impatient = new GuacdSettings("127.0.0.1", guacd.port(), null, null,
                java.time.Duration.ofMillis(300));
        DesktopSession session = new GuacdConverter(impatient).open(request("vnc", false, DesktopCredentials.NONE,
                device));
        DesktopEnd end = session.run(s -> { });
        assertThat(end).isEqualTo(new DesktopEnd(GuacamoleStatus.UPSTREAM_TIMEOUT,
                "guacd at 127.0.0.1:" + guacd.port() + " stopped answering"));
    }

    @Test
    void withoutAHostGuacdIsUnavailable() {
        GuacdConverter converter = new GuacdConverter(GuacdSettings.of("", 4822));
        assertThat(converter.unavailableReason()).contains("gangway.desktop.guacd.host");
        assertThat(converter.handles("vnc")).isTrue();
        assertThat(converter.handles("rdp")).isTrue();
        assertThat(converter.handles("ssh")).isFalse();
        assertThat(converter.name()).isEqualTo("guacd");
        assertThat(new GuacdConverter("guacd", 4822).unavailableReason()).isNull();
    }

    @Test
    void settingsSayWhatIsWrong() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new GuacdSettings("guacd", 4822, "0.0.0.0", null,
                java.time.Duration.ofSeconds(15))).hasMessageContaining("gangway.desktop.guacd.splice-host");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GuacdSettings.of("guacd", 0))
                .hasMessageContaining("gangway.desktop.guacd.port");
        assertThat(new GuacdSettings("guacd", 4822, "0.0.0.0", "portal", java.time.Duration.ofSeconds(15))
                .spliceHost()).isEqualTo("portal");
    }

    // ---- helpers ----

    private <T extends AutoCloseable> T track(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    private static GuacamoleInstruction skipTo(FakeGuacd guacd, String opcode) throws InterruptedException {
        GuacamoleInstruction instruction;
        do {
            instruction = guacd.next();
        } while (!instruction.getOpcode().equals(opcode));
        return instruction;
    }

    private static DesktopRequest request(String kind, boolean viewOnly, DesktopCredentials credentials,
            FakeDevice device) {
        return new DesktopRequest("s-" + kind, "d-test", kind, "panel", "198.18.0.5:5900", viewOnly, credentials, 1280,
                720,
                120, device::open);
    }

    /** The device's LAN service at the far end of the tunnel: a loopback socket seen as a {@link TunnelStream}. */
    static final class FakeDevice implements AutoCloseable {

        private final ServerSocket service = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private volatile Socket accepted;
        volatile boolean opened;

        FakeDevice() throws IOException {
        }

        TunnelStream open() throws IOException {
            opened = true;
            Socket socket = new Socket(InetAddress.getLoopbackAddress(), service.getLocalPort());
            return new TunnelStream() {
                @Override
                public InputStream input() {
                    try {
                        return socket.getInputStream();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public OutputStream output() {
                    try {
                        return socket.getOutputStream();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public long bytesFromDevice() {
                    return 0;
                }

                @Override
                public long bytesToDevice() {
                    return 0;
                }

                @Override
                public void close() {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // best effort
                    }
                }
            };
        }

        private Socket service() throws IOException {
            if (accepted == null) {
                service.setSoTimeout(20_000);
                accepted = service.accept();
                accepted.setSoTimeout(20_000);
            }
            return accepted;
        }

        String readLine() throws IOException {
            StringBuilder line = new StringBuilder();
            InputStream in = service().getInputStream();
            int c;
            while ((c = in.read()) >= 0 && c != '\n') {
                line.append((char) c);
            }
            return line.toString();
        }

        void write(String text) throws IOException {
            service().getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            service().getOutputStream().flush();
        }

        @Override
        public void close() throws IOException {
            service.close();
            if (accepted != null) {
                accepted.close();
            }
        }
    }

    /** A session's run() on a thread of its own, recording what it sends to the browser. */
    private record Running(CompletableFuture<DesktopEnd> future, List<String> sent) {

        static Running start(DesktopSession session) {
            List<String> sent = new CopyOnWriteArrayList<>();
            CompletableFuture<DesktopEnd> future = new CompletableFuture<>();
            Thread thread = new Thread(() -> future.complete(session.run(sent::add)), "test-session");
            thread.setDaemon(true);
            thread.start();
            return new Running(future, sent);
        }

        void awaitSent(String expected) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!String.join("", sent).equals(expected)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the browser got " + sent + ", not " + expected);
                }
                Thread.sleep(20);
            }
        }

        DesktopEnd end() throws Exception {
            return future.get(20, TimeUnit.SECONDS);
        }
    }
}
