package dev.gangway.portal.desktop.vnc;

import static dev.gangway.portal.desktop.vnc.FakeBrowser.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.portal.desktop.DesktopCredentials;
import dev.gangway.portal.desktop.DesktopEnd;
import dev.gangway.portal.desktop.DesktopRequest;
import dev.gangway.portal.desktop.TunnelStreamOpener;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The converter's session against a scripted VNC server ({@link FakeVncServer}) and a browser model
 * ({@link FakeBrowser}): the picture the browser reconstructs equals the server's screen, copies stay correct,
 * frames are paced by the browser's syncs, input reaches the server (or, view-only, nothing does), and every way a
 * session ends gives a clear {@link DesktopEnd} and leaves no thread behind.
 */
class VncDesktopSessionTest {

    private static final VncSettings LOSSLESS = VncSettings.defaults().losslessOnly();

    private final String sessionId = UUID.randomUUID().toString();
    private FakeVncServer server;
    private final FakeBrowser browser = new FakeBrowser();
    private VncDesktopSession session;
    private Thread runner;
    private volatile DesktopEnd end;
    private volatile boolean interruptedAfterRun;

    @AfterEach
    void tearDown() throws Exception {
        if (session != null) {
            session.close(DesktopEnd.closedByUser());
        }
        if (runner != null) {
            runner.join(FakeBrowser.PATIENCE.toMillis());
            assertThat(runner.isAlive()).as("run() returned").isFalse();
        }
        if (server != null) {
            server.close();
            assertThat(server.failure).as("the fake server saw only valid RFB").isNull();
        }
        assertNoThreadsLeft();
    }

    private void assertNoThreadsLeft() {
        String prefix = "gangway-desktop-" + sessionId.substring(0, 8);
        List<String> left = Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .map(Thread::getName).filter(n -> n.startsWith(prefix)).toList();
        assertThat(left).as("threads of the session left running").isEmpty();
    }

    private DesktopRequest request(boolean viewOnly, String password, TunnelStreamOpener opener) {
        return new DesktopRequest(sessionId, "d-test", "vnc", "panel", "198.18.0.2:5900", viewOnly,
                password == null ? DesktopCredentials.NONE : new DesktopCredentials(null, password, null), 1024, 768,
                96, opener);
    }

    private void start(VncSettings settings, DesktopRequest request) {
        session = new EmbeddedVncConverter(settings).open(request);
        browser.session = session;
        runner = new Thread(() -> {
            end = session.run(browser);
            interruptedAfterRun = Thread.currentThread().isInterrupted();
        }, "test-session-runner");
        runner.start();
    }

    private void startOnServer(int width, int height, boolean viewOnly) throws IOException {
        server = new FakeVncServer(width, height, null);
        start(LOSSLESS, request(viewOnly, null, server.opener()));
    }

    private DesktopEnd awaitEnd() throws InterruptedException {
        runner.join(FakeBrowser.PATIENCE.toMillis());
        assertThat(runner.isAlive()).as("run() returned").isFalse();
        assertNoThreadsLeft();
        return end;
    }

    private void awaitSamePicture() throws InterruptedException {
        await("the browser's picture to equal the server's screen", () -> Arrays.equals(browser.screen(),
                server.truth()));
    }

    private static int gradient(int x, int y) {
        return (x * 4 & 0xFF) << 16 | (y * 5 & 0xFF) << 8 | 100;
    }

    private void receive(String opcode, Object... args) {
        session.receive(new GuacamoleInstruction(opcode, Arrays.stream(args).map(String::valueOf).toList()));
    }

    /**
     * Makes sure everything the session thread would do by now has reached the server: two clipboard round trips
     * through the session thread (anything it decided before them, such as an update request, is written by then),
     * then a key event written after them, awaited at the server (TCP keeps the order).
     */
    private void barrier(int n) throws Exception {
        for (int i = 0; i < 2; i++) {
            String mark = "barrier " + n + "." + i;
            server.cutText(mark);
            await(mark, () -> browser.clipboard.contains(mark));
        }
        int keys = server.keys.size();
        receive("key", 0xffe1, 1);
        await("the barrier key at the server", () -> server.keys.size() == keys + 1);
    }

    @Test
    void theBrowsersPictureFollowsUpdatesCopiesAndTheCursor() throws Exception {
        server = new FakeVncServer(64, 48, null);
        server.update().raw(0, 0, 64, 48, VncDesktopSessionTest::gradient).push();
        start(LOSSLESS, request(false, null, server.opener()));
        awaitSamePicture();
        GuacamoleInstruction first = browser.received.get(0);
        assertThat(first.toString()).isEqualTo("4.size,1.0,2.64,2.48;");
        assertThat(browser.all("sync")).isNotEmpty();

        // a copy from pixels the browser holds: sent as a Guacamole copy
        server.update().copy(0, 0, 10, 10, 20, 20).fill(40, 30, 8, 8, 0xFF0000).push();
        awaitSamePicture();
        assertThat(browser.all("copy")).extracting(GuacamoleInstruction::toString)
                .containsExactly(GuacOut.encode("copy", 0, 0, 0, 20, 20, 14, 0, 10, 10));

        // a copy from pixels changed earlier in the same update: its destination is drawn as an image instead
        server.update().fill(0, 0, 16, 16, 0x0000FF).copy(0, 0, 30, 20, 16, 16).push();
        awaitSamePicture();
        assertThat(browser.all("copy")).hasSize(1);

        // overlapping copies (a scroll) in both directions
        server.update().copy(0, 2, 0, 0, 64, 40).push();
        awaitSamePicture();
        server.update().copy(0, 0, 0, 3, 64, 40).copy(5, 0, 0, 0, 50, 48).push();
        awaitSamePicture();
        assertThat(browser.all("copy")).hasSize(4);

        int[] cursor = new int[6 * 5];
        for (int i = 0; i < cursor.length; i++) {
            cursor[i] = i % 3 == 0 ? 0 : 0xFF000000 | i * 0x050301;
        }
        server.update().cursor(2, 1, 6, 5, cursor).push();
        await("the cursor", () -> Arrays.equals(browser.cursor(), cursor));
        assertThat(browser.cursorGeometry()).containsExactly(2, 1, 6, 5);

        // the counters follow the sends, which the browser may see first
        await("six frames counted", () -> session.stats().frames() >= 6);
        VncSessionStats stats = session.stats();
        assertThat(stats.copies()).isEqualTo(4);
        assertThat(stats.bytesToBrowser()).isGreaterThan(0);
        assertThat(stats.bytesFromDevice()).isGreaterThan(64 * 48 * 4);
        assertThat(stats.bytesToDevice()).isGreaterThan(0);
        assertThat(stats.jpegImages()).isZero();
    }

    @Test
    void randomMixesOfRectanglesAndCopiesKeepThePictureExact() throws Exception {
        server = new FakeVncServer(80, 60, null);
        server.update().raw(0, 0, 80, 60, VncDesktopSessionTest::gradient).push();
        start(LOSSLESS, request(false, null, server.opener()));
        awaitSamePicture();
        Random random = new Random(2026);
        for (int update = 0; update < 60; update++) {
            FakeVncServer.Update u = server.update();
            for (int op = 1 + random.nextInt(6); op > 0; op--) {
                int w = 1 + random.nextInt(40);
                int h = 1 + random.nextInt(30);
                int x = random.nextInt(80 - w + 1);
                int y = random.nextInt(60 - h + 1);
                if (random.nextBoolean()) {
                    u.fill(x, y, w, h, random.nextInt(0x1000000));
                } else {
                    u.copy(random.nextInt(80 - w + 1), random.nextInt(60 - h + 1), x, y, w, h);
                }
            }
            u.push();
            awaitSamePicture();
        }
        assertThat(browser.all("copy")).as("some copies were sent as copies").isNotEmpty();
    }

    @Test
    void aResizeRedrawsTheWholeScreen() throws Exception {
        server = new FakeVncServer(40, 30, null);
        server.update().raw(0, 0, 40, 30, VncDesktopSessionTest::gradient).push();
        start(LOSSLESS, request(false, null, server.opener()));
        awaitSamePicture();
        server.update().desktopSize(70, 50).raw(40, 0, 30, 50, (x, y) -> 0x00FF00).raw(0, 30, 40, 20,
                (x, y) -> 0x112233).push();
        awaitSamePicture();
        assertThat(browser.screenWidth()).isEqualTo(70);
        assertThat(browser.all("size")).extracting(GuacamoleInstruction::toString)
                .contains(GuacOut.encode("size", 0, 70, 50));
        server.update().desktopSize(20, 10).push();
        awaitSamePicture();
        assertThat(browser.screenHeight()).isEqualTo(10);
    }

    @Test
    void framesArePacedByTheBrowsersSyncs() throws Exception {
        server = new FakeVncServer(32, 32, null);
        server.update().fill(0, 0, 32, 32, 0x336699).push();
        browser.autoAck = false;
        start(LOSSLESS, request(false, null, server.opener()));
        await("the first frame", () -> browser.syncs.size() == 1);
        server.update().fill(0, 0, 8, 8, 0xFFFFFF).push();
        barrier(1);
        assertThat(server.requests).as("no request while the browser has not drawn the frame").hasSize(1);

        browser.ackAll();
        await("the second frame", () -> browser.syncs.size() == 2);
        barrier(2);
        assertThat(server.requests).as("exactly one request after the ack").hasSize(2);
        assertThat(browser.syncs.get(1)).isGreaterThan(browser.syncs.get(0));

        // changes made while the browser lags are merged by the server into the next, single frame
        server.update().fill(0, 0, 4, 4, 0x00FF00).push();
        server.update().fill(10, 10, 4, 4, 0xFF0000).push();
        barrier(3);
        assertThat(server.requests).hasSize(2);
        browser.ackAll();
        await("the third frame", () -> browser.syncs.size() == 3);
        barrier(4);
        assertThat(server.requests).containsExactly(false, true, true);
        browser.ackAll();
        await("the fourth frame", () -> browser.syncs.size() == 4);
        awaitSamePicture();
    }

    @Test
    void moreFramesInFlightWhenConfigured() throws Exception {
        server = new FakeVncServer(32, 32, null);
        server.update().fill(0, 0, 32, 32, 0x336699).push();
        browser.autoAck = false;
        start(LOSSLESS.withMaxPendingSyncs(2), request(false, null, server.opener()));
        await("the first frame", () -> browser.syncs.size() == 1);
        await("a second request without an ack", () -> server.requests.size() == 2);
        server.update().fill(0, 0, 8, 8, 0xFFFFFF).push();
        await("the second frame", () -> browser.syncs.size() == 2);
        barrier(1);
        assertThat(server.requests).as("two frames unacknowledged: no third request").hasSize(2);
        browser.ackAll();
        await("the request after the acks", () -> server.requests.size() == 3);
    }

    @Test
    void largeRegionsGoAsBands() throws Exception {
        server = new FakeVncServer(1200, 1000, null);
        server.update().raw(0, 0, 1200, 1000, VncDesktopSessionTest::gradient).push();
        start(LOSSLESS, request(false, null, server.opener()));
        awaitSamePicture();
        assertThat(browser.all("img")).hasSize(2);
        assertThat(VncDesktopSession.bands(new Region(0, 0, 1200, 1000))).containsExactly(
                new Region(0, 0, 1200, 873), new Region(0, 873, 1200, 127));
        assertThat(VncDesktopSession.bands(new Region(5, 5, 1024, 1024))).containsExactly(
                new Region(5, 5, 1024, 1024));
    }

    @Test
    void keysMouseAndClipboardReachTheServer() throws Exception {
        startOnServer(32, 24, false);
        server.update().fill(0, 0, 32, 24, 0).push();
        await("the first frame", () -> !browser.syncs.isEmpty());

        receive("key", 0x61, 1);
        receive("key", 0x61, 0);
        receive("key", "abc", 1); // ignored: not a number
        receive("key", 0x62, 2); // ignored: neither pressed nor released
        receive("key", 0x63); // ignored: too few arguments
        receive("mouse", 10, 20, 1);
        receive("mouse", 9999, -5, 0); // clamped to the screen
        receive("mouse", 1, 1, 999); // ignored: no such buttons
        receive("mouse", "x", "y", "z"); // ignored
        receive("size", 800, 600); // the browser scales: nothing to do
        receive("nop");

        byte[] text = "héllo wörld €\r\nline 2".getBytes(StandardCharsets.UTF_8);
        receive("clipboard", 3, "text/plain");
        receive("blob", 3, Base64.getEncoder().encodeToString(Arrays.copyOfRange(text, 0, 2))); // inside "é"
        receive("blob", 3, Base64.getEncoder().encodeToString(Arrays.copyOfRange(text, 2, text.length)));
        receive("end", 3);

        await("the clipboard at the server", () -> !server.cutTexts.isEmpty());
        assertThat(server.cutTexts).containsExactly("héllo wörld ?\nline 2");
        assertThat(server.keys).containsExactly("61 down", "61 up");
        assertThat(server.pointer).containsExactly("10,20 1", "31,0 0");
        assertThat(browser.all("ack")).extracting(GuacamoleInstruction::toString)
                .containsExactly(GuacOut.encode("ack", 3, "OK", 0), GuacOut.encode("ack", 3, "OK", 0));
    }

    @Test
    void streamsTheBrowserNeverEndsStayCapped() throws Exception {
        startOnServer(16, 16, true);
        server.update().fill(0, 0, 16, 16, 0).push();
        await("the first frame", () -> !browser.syncs.isEmpty());

        // a viewer's refused clipboard streams, never ended, each with a new index: refused, and nothing piles up
        for (int i = 0; i < 5000; i++) {
            receive("clipboard", i, "text/plain");
        }

        assertThat(session.openBrowserStreams()).isEqualTo(VncDesktopSession.MAX_INBOUND_STREAMS);
        assertThat(browser.all("ack")).hasSize(5000).last().extracting(GuacamoleInstruction::toString)
                .isEqualTo(GuacOut.encode("ack", 4999, "too many streams at once",
                        GuacamoleStatus.CLIENT_TOO_MANY.getGuacamoleStatusCode()));
        receive("end", 0);
        assertThat(session.openBrowserStreams()).isEqualTo(VncDesktopSession.MAX_INBOUND_STREAMS - 1);
        assertThat(server.cutTexts).isEmpty();
    }

    @Test
    void browserClipboardIsCheckedAndCapped() throws Exception {
        startOnServer(16, 16, false);
        server.update().fill(0, 0, 16, 16, 0).push();
        await("the first frame", () -> !browser.syncs.isEmpty());

        receive("clipboard", 4, "image/png");
        receive("blob", 4, "AAAA");
        receive("end", 4);
        receive("clipboard", 5, "text/plain");
        receive("blob", 5, "not base64!");
        receive("end", 5);
        String mebibyte = Base64.getEncoder().encodeToString(new byte[512 * 1024]);
        receive("clipboard", 6, "text/plain");
        receive("blob", 6, mebibyte);
        receive("blob", 6, mebibyte);
        receive("blob", 6, "QUFB");
        receive("end", 6);
        receive("blob", 99, "QUFB"); // no such stream: ignored
        receive("end", 99);

        assertThat(browser.all("ack")).extracting(GuacamoleInstruction::toString).containsExactly(
                GuacOut.encode("ack", 4, "only text/plain is taken", GuacamoleStatus.CLIENT_BAD_TYPE
                        .getGuacamoleStatusCode()),
                GuacOut.encode("ack", 5, "the data is not base64", GuacamoleStatus.CLIENT_BAD_REQUEST
                        .getGuacamoleStatusCode()),
                GuacOut.encode("ack", 6, "OK", 0), GuacOut.encode("ack", 6, "OK", 0),
                GuacOut.encode("ack", 6, "too large: at most 1048576 bytes", GuacamoleStatus.CLIENT_OVERRUN
                        .getGuacamoleStatusCode()));
        barrier(1);
        assertThat(server.cutTexts).isEmpty();
    }

    @Test
    void theBrowsersSizeBecomesSetDesktopSizeWhereTheServerAndThePortalAllowIt() throws Exception {
        startOnServer(32, 24, false);
        server.update().fill(0, 0, 32, 24, 0x445566).push();
        await("the first frame", () -> server.requests.size() == 2);
        receive("size", 64, 48);
        receive("mouse", 1, 1, 0); // written after the size would be: its arrival means the size was not sent
        await("the pointer event", () -> server.pointer.size() == 1);
        assertThat(server.desktopSizes).as("a server that never said it can resize").isEmpty();

        server.update().screenLayout().push();
        await("the screen layout's update", () -> server.requests.size() == 3);
        receive("size", 32, 24); // the size it has
        receive("size", 64, 48);
        receive("size", 80, 60); // while 64x48 is unanswered: kept, and replaced by the next
        receive("size", 90, 70);
        receive("mouse", 2, 2, 0);
        await("the pointer event", () -> server.pointer.size() == 2);
        assertThat(server.desktopSizes).containsExactly("64x48");
        server.update().desktopSizeRefused(1).push(); // prohibited: the latest size asked goes out after the answer
        await("the latest size", () -> server.desktopSizes.size() == 2);
        assertThat(server.desktopSizes).containsExactly("64x48", "90x70");
        session.close(DesktopEnd.closedByUser());
        awaitEnd();
        server.close();

        // a portal that does not allow resizing sends none
        server = new FakeVncServer(32, 24, null);
        start(LOSSLESS.withResize(false), request(false, null, server.opener()));
        server.update().fill(0, 0, 32, 24, 0x445566).screenLayout().push();
        await("the first frame", () -> server.requests.size() == 2);
        receive("size", 64, 48);
        receive("mouse", 3, 3, 0);
        await("the pointer event", () -> server.pointer.size() == 1);
        assertThat(server.desktopSizes).isEmpty();
    }

    @Test
    void viewOnlySendsNothingToTheServer() throws Exception {
        startOnServer(32, 24, true);
        server.update().fill(0, 0, 32, 24, 0x445566).screenLayout().push();
        browser.autoAck = false;
        await("the first frame", () -> browser.syncs.size() == 1);

        receive("size", 64, 48);
        receive("key", 0x61, 1);
        receive("key", 0x61, 0);
        receive("mouse", 5, 5, 1);
        receive("mouse", 5, 5, 0);
        receive("clipboard", 2, "text/plain");
        receive("blob", 2, Base64.getEncoder().encodeToString("secret plan".getBytes(StandardCharsets.UTF_8)));
        receive("end", 2);
        assertThat(browser.all("ack")).extracting(GuacamoleInstruction::toString).containsExactly(
                GuacOut.encode("ack", 2, "view-only: the clipboard is not sent to the remote desktop",
                        GuacamoleStatus.CLIENT_FORBIDDEN.getGuacamoleStatusCode()));

        // the ack makes the session write an update request: everything before it has reached the server
        browser.ackAll();
        await("the update request after the ack", () -> server.requests.size() == 2);
        assertThat(server.keys).isEmpty();
        assertThat(server.pointer).isEmpty();
        assertThat(server.cutTexts).isEmpty();
        assertThat(server.desktopSizes).isEmpty();

        // the server's clipboard still reaches a viewer
        server.cutText("shown to viewers");
        await("the server's clipboard", () -> browser.clipboard.contains("shown to viewers"));
        assertThat(browser.all("clipboard")).hasSize(1);
    }

    @Test
    void serverClipboardReachesTheBrowser() throws Exception {
        startOnServer(16, 16, false);
        server.update().fill(0, 0, 16, 16, 0).push();
        await("the first frame", () -> !browser.syncs.isEmpty());
        String big = "ÄÖÜ ".repeat(3000); // 12,000 bytes of Latin-1, more than one blob once UTF-8
        server.cutText(big);
        await("the server's clipboard", () -> browser.clipboard.contains(big));
        assertThat(browser.all("blob").size()).isGreaterThan(2);
    }

    @Test
    void storedPasswordIsUsed() throws Exception {
        server = new FakeVncServer(16, 16, "s3cret");
        server.update().fill(0, 0, 16, 16, 0xABCDEF).push();
        start(LOSSLESS, request(false, "s3cret", server.opener()));
        awaitSamePicture();
        assertThat(browser.all("required")).isEmpty();
    }

    @Test
    void wrongStoredPasswordEndsUnauthorized() throws Exception {
        server = new FakeVncServer(16, 16, "s3cret");
        server.authFailureReason = "Authentication failure";
        start(LOSSLESS, request(false, "guessed", server.opener()));
        DesktopEnd result = awaitEnd();
        assertThat(result).isEqualTo(new DesktopEnd(GuacamoleStatus.CLIENT_UNAUTHORIZED,
                "wrong VNC password (the VNC server says: \"Authentication failure\")"));
    }

    @Test
    void missingPasswordIsAskedFromTheBrowser() throws Exception {
        server = new FakeVncServer(16, 16, "typed pw");
        server.update().fill(0, 0, 16, 16, 0x123456).push();
        start(LOSSLESS, request(false, null, server.opener()));
        await("the password request", () -> !browser.all("required").isEmpty());
        assertThat(browser.all("required").get(0).toString()).isEqualTo("8.required,8.password;");
        receive("argv", 7, "text/plain", "password");
        receive("blob", 7, Base64.getEncoder().encodeToString("typed pw".getBytes(StandardCharsets.UTF_8)));
        receive("end", 7);
        awaitSamePicture();
        assertThat(browser.all("ack")).extracting(GuacamoleInstruction::toString)
                .containsExactly(GuacOut.encode("ack", 7, "OK", 0));
    }

    @Test
    void wrongTypedPasswordEndsUnauthorized() throws Exception {
        server = new FakeVncServer(16, 16, "typed pw");
        start(LOSSLESS, request(false, null, server.opener()));
        await("the password request", () -> !browser.all("required").isEmpty());
        receive("argv", 1, "text/plain", "password");
        receive("blob", 1, Base64.getEncoder().encodeToString("typo".getBytes(StandardCharsets.UTF_8)));
        receive("end", 1);
        assertThat(awaitEnd().status()).isEqualTo(GuacamoleStatus.CLIENT_UNAUTHORIZED);
        assertThat(end.message()).startsWith("wrong VNC password");
    }

    @Test
    void aPasswordNotTypedInTimeEndsTheSession() throws Exception {
        server = new FakeVncServer(16, 16, "typed pw");
        start(LOSSLESS.withPasswordWait(Duration.ofMillis(300)), request(false, null, server.opener()));
        assertThat(awaitEnd()).isEqualTo(new DesktopEnd(GuacamoleStatus.CLIENT_TIMEOUT,
                "no VNC password was entered within 300 ms"));
    }

    @Test
    void closeWhileWaitingForThePassword() throws Exception {
        server = new FakeVncServer(16, 16, "typed pw");
        start(LOSSLESS, request(false, null, server.opener()));
        await("the password request", () -> !browser.all("required").isEmpty());
        DesktopEnd reason = new DesktopEnd(GuacamoleStatus.SESSION_CLOSED, "the portal is stopping");
        Thread closer = new Thread(() -> session.close(reason));
        closer.start();
        closer.join();
        assertThat(awaitEnd()).isEqualTo(reason);
    }

    @Test
    void garbageMidSessionEndsWithAClearMessage() throws Exception {
        startOnServer(16, 16, false);
        server.update().fill(0, 0, 16, 16, 0).push();
        await("the first frame", () -> !browser.syncs.isEmpty());
        server.sendNow(new byte[] {0x77, 1, 2, 3});
        assertThat(awaitEnd()).isEqualTo(new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR,
                "the VNC server sent data Gangway cannot read: the VNC server sent the unknown message type 119"));
    }

    @Test
    void theServerClosingMidMessageSaysSo() throws Exception {
        startOnServer(16, 16, false);
        server.update().fill(0, 0, 16, 16, 0).push();
        await("the first frame", () -> !browser.syncs.isEmpty());
        server.sendNow(new byte[] {3, 0, 0, 0, 0, 0, 0, 100, 'c', 'u', 't'}); // a clipboard of 100 bytes, cut short
        server.dropConnection();
        assertThat(awaitEnd()).isEqualTo(new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR,
                "the VNC server closed the connection in the middle of a message"));
    }

    @Test
    void theServerClosingEndsTheSession() throws Exception {
        startOnServer(16, 16, false);
        server.update().fill(0, 0, 16, 16, 0).push();
        await("the first frame", () -> !browser.syncs.isEmpty());
        server.dropConnection();
        assertThat(awaitEnd()).isEqualTo(new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR,
                "the VNC server closed the connection"));
    }

    @Test
    void closeFromAnotherThreadEndsRunAndReleasesEverything() throws Exception {
        startOnServer(16, 16, false);
        server.update().fill(0, 0, 16, 16, 0).push();
        await("the first frame", () -> !browser.syncs.isEmpty());
        DesktopEnd reason = new DesktopEnd(GuacamoleStatus.SESSION_CLOSED, "the user's right was removed");
        Thread closer = new Thread(() -> session.close(reason));
        closer.start();
        closer.join();
        assertThat(awaitEnd()).isEqualTo(reason);
        session.close(DesktopEnd.closedByUser()); // idempotent
        await("the server to see the connection closed", () -> {
            try {
                server.cutText("anyone there?");
                return false;
            } catch (IOException e) {
                return true;
            }
        });
    }

    @Test
    void disconnectFromTheBrowserEndsTheSession() throws Exception {
        startOnServer(16, 16, false);
        server.update().fill(0, 0, 16, 16, 0).push();
        await("the first frame", () -> !browser.syncs.isEmpty());
        receive("disconnect");
        assertThat(awaitEnd()).isEqualTo(DesktopEnd.closedByUser());
    }

    @Test
    void theBrowserGoingAwayEndsTheSession() throws Exception {
        server = new FakeVncServer(16, 16, null);
        server.update().fill(0, 0, 16, 16, 0).push();
        browser.failWith = new IOException("the WebSocket is closed");
        start(LOSSLESS, request(false, null, server.opener()));
        assertThat(awaitEnd()).isEqualTo(DesktopEnd.closedByUser());
    }

    @Test
    void openerFailuresEndWithTheirMessage() throws Exception {
        start(LOSSLESS, request(false, null, () -> {
            throw new IOException("the device is offline");
        }));
        assertThat(awaitEnd()).isEqualTo(new DesktopEnd(GuacamoleStatus.UPSTREAM_UNAVAILABLE,
                "the device is offline"));
    }

    @Test
    void refusedConnectionIsUpstreamNotFound() throws Exception {
        start(LOSSLESS, request(false, null, () -> {
            throw new ConnectException("the agent could not connect to 198.18.0.2:5900: connection refused");
        }));
        assertThat(awaitEnd()).isEqualTo(new DesktopEnd(GuacamoleStatus.UPSTREAM_NOT_FOUND,
                "the agent could not connect to 198.18.0.2:5900: connection refused"));
    }

    @Test
    void closeWhileTheStreamIsOpening() throws Exception {
        CountDownLatch opening = new CountDownLatch(1);
        start(LOSSLESS, request(false, null, () -> {
            opening.countDown();
            try {
                new CountDownLatch(1).await(); // a slow tunnel: blocks until interrupted
            } catch (InterruptedException e) {
                throw new IOException("interrupted while opening the stream");
            }
            throw new IOException("not reached");
        }));
        opening.await();
        DesktopEnd reason = new DesktopEnd(GuacamoleStatus.SESSION_CLOSED, "the portal is stopping");
        session.close(reason);
        assertThat(awaitEnd()).isEqualTo(reason);
        assertThat(interruptedAfterRun).as("the session thread's interrupt flag is cleared").isFalse();
    }

    @Test
    void anyKindIsAccepted() throws Exception {
        server = new FakeVncServer(16, 16, "xvnc-pw");
        server.update().fill(0, 0, 16, 16, 0x00AA00).push();
        DesktopRequest rdp = new DesktopRequest(sessionId, "d-test", "rdp", "windows", "198.18.0.3:3389", false,
                new DesktopCredentials("operator", "xvnc-pw", null), 1280, 800, 96, server.opener());
        EmbeddedVncConverter converter = new EmbeddedVncConverter(LOSSLESS);
        assertThat(converter.name()).isEqualTo("embedded-vnc");
        assertThat(converter.handles("vnc")).isTrue();
        assertThat(converter.handles("rdp")).isFalse();
        assertThat(converter.unavailableReason()).isNull();
        start(LOSSLESS, rdp);
        awaitSamePicture();
    }

    @Test
    void changingPhotoRegionsGoAsJpegAndAreRedrawnLosslessly() throws Exception {
        server = new FakeVncServer(256, 192, null);
        Random random = new Random(42);
        server.update().raw(0, 0, 256, 192, (x, y) -> random.nextInt(0x1000000)).push();
        VncSettings settings = new VncSettings(VncSettings.defaults().rfb(), 70, 4, 1, Duration.ofMinutes(1),
                Duration.ZERO, true);
        start(settings, request(false, null, server.opener()));
        awaitSamePicture();
        assertThat(session.stats().jpegImages()).as("a first picture is never lossy").isZero();

        server.update().raw(0, 0, 256, 192, (x, y) -> random.nextInt(0x1000000)).push();
        // the JPEG frame differs from the server's screen; the lossless refresh that follows makes it exact
        awaitSamePicture();
        assertThat(browser.all("img")).extracting(i -> i.getArgs().get(3)).contains("image/jpeg");
        assertThat(session.stats().jpegImages()).isEqualTo(1);
        assertThat(session.stats().refreshes()).isEqualTo(1);
    }
}
