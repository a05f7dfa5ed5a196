package dev.gangway.portal.desktop.vnc;

import dev.gangway.portal.desktop.DesktopEnd;
import dev.gangway.portal.desktop.DesktopRequest;
import dev.gangway.portal.desktop.DesktopSession;
import dev.gangway.portal.desktop.GuacSink;
import dev.gangway.portal.desktop.TunnelStream;
import dev.gangway.portal.desktop.rfb.Framebuffer;
import dev.gangway.portal.desktop.rfb.PasswordSource;
import dev.gangway.portal.desktop.rfb.RfbAuthenticationException;
import dev.gangway.portal.desktop.rfb.RfbClient;
import dev.gangway.portal.desktop.rfb.RfbListener;
import dev.gangway.portal.desktop.rfb.RfbProtocolException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One remote screen over RFB shown in one browser tab: the embedded VNC converter's session.
 *
 * <p><b>Lifecycle.</b> {@link #run} (the tunnel's session thread) opens the tunnel stream, runs the RFB handshake
 * (asking the browser for the VNC password with {@code required} when the server wants one and none is stored),
 * starts one reader thread ({@code gangway-desktop-<id8>-rfb}, daemon) for {@link RfbClient#run}, and then sends
 * frames on its own thread until the session ends. Before returning it closes the stream and joins the reader, so
 * no thread or socket outlives it. {@link #close} (any thread) records the end, closes the stream (which ends the
 * reader's blocked read) and wakes {@code run}; a close during the stream's opening interrupts the session thread.
 *
 * <p><b>Frames and pacing.</b> The reader records changes ({@link ScreenChanges}); at the end of each RFB update the
 * session thread turns them into Guacamole instructions (copies, then PNG/JPEG images of merged dirty regions read
 * from the framebuffer, then the cursor) and a {@code sync}. It asks the VNC server for the next update only while
 * fewer than {@link VncSettings#maxPendingSyncs()} frames await the browser's {@code sync} reply, so a slow browser
 * gets fewer, larger frames and never a backlog (the server merges changes meanwhile). Regions sent as JPEG are
 * redrawn as PNG once they stayed unchanged for {@link VncSettings#losslessRefresh()}.
 *
 * <p><b>Input.</b> {@link #receive} (WebSocket threads) maps {@code key}, {@code mouse} and the browser's clipboard
 * stream to RFB messages, written under the client's lock; in view-only mode none of them reaches the server.
 * Malformed instructions are ignored (logged at debug), never fatal.
 *
 * <p><b>Resizing.</b> The browser's {@code size,W,H} (sent when its user asks the remote screen to fit the window)
 * becomes SetDesktopSize when {@link VncSettings#resize()} allows it, the user is in control and the server announced
 * that it can resize. One request is in flight at a time: while the server has not answered (for at most
 * {@value #RESIZE_ANSWER_MILLIS} ms), only the latest size asked is kept and sent after the answer.
 */
public final class VncDesktopSession implements DesktopSession {

    private static final Logger log = LoggerFactory.getLogger(VncDesktopSession.class);

    /** The largest clipboard text taken from the browser, in UTF-8 bytes. */
    static final int MAX_CLIPBOARD_BYTES = RfbClient.MAX_CUT_TEXT;
    /** The largest VNC password taken from the browser, in bytes. */
    static final int MAX_PASSWORD_BYTES = 1024;
    /** Streams from the browser open at once. */
    static final int MAX_INBOUND_STREAMS = 8;
    /** Channel mask "over": images and copies draw over what is there (12, "src", would clear the whole canvas). */
    static final int OVER = 0xE;
    /** Channel mask "rout": clears where the source is opaque. */
    static final int ROUT = 0x2;
    /** The largest image sent, in pixels; larger regions go as several bands. */
    static final int MAX_IMAGE_PIXELS = 1024 * 1024;
    /** The buffer layer holding the cursor image. */
    static final int CURSOR_LAYER = -1;
    /** How long a SetDesktopSize may go unanswered before the next size is sent anyway. */
    static final long RESIZE_ANSWER_MILLIS = 5000;

    private final DesktopRequest request;
    private final VncSettings settings;
    private final String threadPrefix;

    private final Object lock = new Object();
    // guarded by lock
    private final ScreenChanges changes = new ScreenChanges();
    private final Deque<Long> pendingSyncs = new ArrayDeque<>();
    private final Deque<String> clipboardToBrowser = new ArrayDeque<>();
    private final Map<String, Inbound> inbound = new HashMap<>();
    private DesktopEnd end;
    private boolean requestOutstanding;
    private boolean opening;
    private Thread runThread;
    private String typedPassword;
    private boolean passwordAsked;
    private int[] wantedSize;
    private long resizeSentNanos;
    private boolean resizeInFlight;

    private volatile TunnelStream stream;
    private volatile RfbClient rfb;
    private volatile GuacSink sink;

    // session thread only
    private int nextStream;
    private long lastSync;
    private List<Region> previousRegions = List.of();
    private final List<Region> lossy = new ArrayList<>();
    private long lossyDueNanos;

    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong bytesToBrowser = new AtomicLong();
    private final AtomicLong pngImages = new AtomicLong();
    private final AtomicLong jpegImages = new AtomicLong();
    private final AtomicLong copies = new AtomicLong();
    private final AtomicLong refreshes = new AtomicLong();

    VncDesktopSession(DesktopRequest request, VncSettings settings) {
        this.request = request;
        this.settings = settings;
        String id = request.sessionId();
        this.threadPrefix = "gangway-desktop-" + (id.length() > 8 ? id.substring(0, 8) : id) + "-";
    }

    /** Counters for the connection report and the benchmark; safe to read from any thread at any time. */
    public VncSessionStats stats() {
        TunnelStream s = stream;
        return new VncSessionStats(frames.get(), bytesToBrowser.get(), s == null ? 0 : s.bytesFromDevice(),
                s == null ? 0 : s.bytesToDevice(), pngImages.get(), jpegImages.get(), copies.get(), refreshes.get());
    }

    @Override
    public DesktopEnd run(GuacSink browser) {
        this.sink = browser;
        synchronized (lock) {
            if (end != null) {
                return end;
            }
            runThread = Thread.currentThread();
            opening = true;
        }
        Thread reader = null;
        try (ImageChooser images = new ImageChooser(settings.jpegQuality(), settings.pngLevel())) {
            TunnelStream opened;
            try {
                opened = request.opener().open();
            } catch (IOException e) {
                return finish(openFailure(e));
            } finally {
                synchronized (lock) {
                    opening = false;
                }
                Thread.interrupted(); // a close() during the opening may have interrupted us; that is handled here
            }
            synchronized (lock) {
                stream = opened;
                if (end != null) {
                    return finish(end);
                }
            }
            RfbClient client;
            try {
                client = RfbClient.connect(opened.input(), opened.output(), settings.rfb(), this::askPassword);
            } catch (UncheckedIOException e) {
                return finish(DesktopEnd.closedByUser());
            } catch (RfbAuthenticationException e) {
                return finish(new DesktopEnd(GuacamoleStatus.CLIENT_UNAUTHORIZED, e.getMessage()));
            } catch (RfbProtocolException e) {
                return finish(new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR, e.getMessage()));
            } catch (IOException e) {
                return finish(new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR, "the connection to the VNC server "
                        + "failed during the handshake: " + plain(e)));
            }
            synchronized (lock) {
                rfb = client;
                if (end != null) {
                    return finish(end);
                }
                requestOutstanding = true; // RfbClient.run asks for the first, full, update itself
            }
            reader = new Thread(() -> read(client), threadPrefix + "rfb");
            reader.setDaemon(true);
            reader.start();
            sendFrames(new GuacOut(browser, bytesToBrowser), images, client.framebuffer());
            return finish(end);
        } catch (RuntimeException e) {
            log.warn("desktop session {} failed", request.sessionId(), e);
            return finish(new DesktopEnd(GuacamoleStatus.SERVER_ERROR, "the VNC converter failed: " + e));
        } finally {
            TunnelStream s = stream;
            if (s != null) {
                s.close();
            }
            if (reader != null) {
                joinQuietly(reader);
            }
        }
    }

    private DesktopEnd finish(DesktopEnd fallback) {
        synchronized (lock) {
            if (end == null) {
                end = fallback;
            }
            lock.notifyAll();
            return end;
        }
    }

    private static DesktopEnd openFailure(IOException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        boolean notFound = e instanceof ConnectException || e instanceof NoRouteToHostException
                || e instanceof UnknownHostException || cause instanceof ConnectException
                || cause instanceof NoRouteToHostException || cause instanceof UnknownHostException;
        return new DesktopEnd(notFound ? GuacamoleStatus.UPSTREAM_NOT_FOUND : GuacamoleStatus.UPSTREAM_UNAVAILABLE,
                plain(e));
    }

    private static String plain(IOException e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void joinQuietly(Thread thread) {
        boolean interrupted = false;
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (thread.isAlive() && System.nanoTime() < deadline) {
            try {
                thread.join(100);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (thread.isAlive()) {
            log.warn("thread {} did not end with its desktop session", thread.getName());
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- password

    /** Called by the handshake on the session thread, only when the server asks for a VNC password. */
    private char[] askPassword() {
        String stored = request.credentials().password();
        if (stored != null) {
            return stored.toCharArray();
        }
        synchronized (lock) {
            passwordAsked = true; // before asking: the answer may come before this thread runs on
        }
        try {
            sendNow(GuacOut.encode("required", "password"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long deadline = System.nanoTime() + settings.passwordWait().toNanos();
        synchronized (lock) {
            try {
                while (typedPassword == null && end == null) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        end = new DesktopEnd(GuacamoleStatus.CLIENT_TIMEOUT, "no VNC password was entered within "
                                + describe(settings.passwordWait()));
                        return null;
                    }
                    lock.wait(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            } finally {
                passwordAsked = false;
            }
            if (end != null) {
                return null;
            }
            char[] typed = typedPassword.toCharArray();
            typedPassword = null;
            return typed;
        }
    }

    private static String describe(Duration d) {
        long s = d.toSeconds();
        if (s == 0) {
            return d.toMillis() + " ms";
        }
        if (s >= 60 && s % 60 == 0) {
            return s / 60 + (s == 60 ? " minute" : " minutes");
        }
        return s + (s == 1 ? " second" : " seconds");
    }

    private void sendNow(String instructions) throws IOException {
        GuacOut.send(sink, instructions);
        bytesToBrowser.addAndGet(instructions.length());
    }

    // ---------------------------------------------------------------- reader thread

    private void read(RfbClient client) {
        DesktopEnd result;
        try {
            client.run(new Listener());
            result = new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR, "the VNC server closed the connection");
        } catch (RfbProtocolException e) {
            String message = e.getMessage();
            result = new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR, message.startsWith("the VNC server closed")
                    ? message : "the VNC server sent data Gangway cannot read: " + message);
        } catch (IOException e) {
            result = new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR, "the connection to the VNC server was lost: "
                    + plain(e));
        } catch (RuntimeException e) {
            log.warn("desktop session {}: the RFB reader failed", request.sessionId(), e);
            result = new DesktopEnd(GuacamoleStatus.SERVER_ERROR, "the VNC converter failed: " + e);
        }
        finish(result);
    }

    /** The RFB client's callbacks, on the reader thread, recorded under the session's lock. */
    private final class Listener implements RfbListener {

        @Override
        public void updateStart() {
            synchronized (lock) {
                changes.updateStart();
            }
        }

        @Override
        public void framebufferSize(int width, int height) {
            synchronized (lock) {
                changes.resize(width, height);
            }
        }

        @Override
        public void rectangle(int x, int y, int width, int height, int[] argb) {
            synchronized (lock) {
                changes.rectangle(x, y, width, height);
            }
        }

        @Override
        public void copyRect(int srcX, int srcY, int x, int y, int width, int height) {
            synchronized (lock) {
                changes.copy(srcX, srcY, x, y, width, height);
            }
        }

        @Override
        public void cursor(int hotX, int hotY, int width, int height, int[] argb) {
            synchronized (lock) {
                changes.cursor(hotX, hotY, width, height, argb);
            }
        }

        @Override
        public void desktopSizeAnswered(int status) {
            if (status != 0) {
                log.debug("desktop session {}: the VNC server did not resize (status {})", request.sessionId(),
                        status);
            }
            synchronized (lock) {
                resizeInFlight = false;
            }
            sendWantedSize();
        }

        @Override
        public void serverCutText(String text) {
            synchronized (lock) {
                if (clipboardToBrowser.size() < 4) {
                    clipboardToBrowser.add(text);
                } else {
                    clipboardToBrowser.removeFirst();
                    clipboardToBrowser.add(text);
                }
                lock.notifyAll();
            }
        }

        @Override
        public void updateDone() {
            synchronized (lock) {
                changes.updateDone();
                requestOutstanding = false;
                lock.notifyAll();
            }
        }
    }

    // ---------------------------------------------------------------- session thread: frames

    private enum Work { FRAME, CLIPBOARD, REQUEST, REFRESH, END }

    private void sendFrames(GuacOut out, ImageChooser images, Framebuffer framebuffer) {
        try {
            while (true) {
                Work work;
                ScreenChanges.Frame frame = null;
                String clipboard = null;
                List<Region> refresh = null;
                List<int[]> refreshPixels = null;
                synchronized (lock) {
                    work = nextWork();
                    switch (work) {
                        case END -> {
                            return;
                        }
                        case FRAME -> frame = changes.take();
                        case CLIPBOARD -> clipboard = clipboardToBrowser.removeFirst();
                        case REQUEST -> requestOutstanding = true;
                        case REFRESH -> {
                            // read while no update is applied, so the pixels agree with what the browser will hold
                            refresh = List.copyOf(lossy);
                            refreshPixels = new ArrayList<>();
                            for (Region r : refresh) {
                                refreshPixels.add(framebuffer.region(r.x(), r.y(), r.width(), r.height()));
                            }
                            lossy.clear();
                        }
                        default -> throw new IllegalStateException(work.toString());
                    }
                }
                switch (work) {
                    case FRAME -> sendFrame(out, images, framebuffer, frame);
                    case CLIPBOARD -> sendClipboard(out, clipboard);
                    case REQUEST -> rfb.requestUpdate(true);
                    case REFRESH -> sendRefresh(out, images, refresh, refreshPixels);
                    default -> throw new IllegalStateException(work.toString());
                }
            }
        } catch (IOException e) {
            // the sink failed (browser gone) or the request could not be written (the reader will say why)
            if (e instanceof GuacOut.BrowserGone) {
                finish(DesktopEnd.closedByUser());
            } else {
                synchronized (lock) {
                    long deadline = System.nanoTime() + 1_000_000_000L;
                    while (end == null && System.nanoTime() < deadline) {
                        try {
                            lock.wait(100);
                        } catch (InterruptedException ie) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                }
                finish(new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR, "the connection to the VNC server was lost: "
                        + plain(e)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish(new DesktopEnd(GuacamoleStatus.SERVER_ERROR, "the desktop session was interrupted"));
        }
    }

    /** Waits (under the lock) for the next thing the session thread has to do. */
    private Work nextWork() throws InterruptedException {
        while (true) {
            if (end != null) {
                return Work.END;
            }
            if (changes.frameWaiting()) {
                return Work.FRAME;
            }
            if (!clipboardToBrowser.isEmpty()) {
                return Work.CLIPBOARD;
            }
            boolean room = pendingSyncs.size() < settings.maxPendingSyncs();
            if (room && !requestOutstanding) {
                return Work.REQUEST;
            }
            long waitMillis = 0; // until notified: an ack, a finished update, the clipboard, the end
            if (!lossy.isEmpty()) {
                long left = lossyDueNanos - System.nanoTime();
                if (left <= 0 && room && changes.idle()) {
                    return Work.REFRESH;
                }
                if (left > 0) {
                    waitMillis = Math.max(1, (left + 999_999) / 1_000_000);
                }
            }
            lock.wait(waitMillis);
        }
    }

    private void sendFrame(GuacOut out, ImageChooser images, Framebuffer framebuffer, ScreenChanges.Frame frame)
            throws IOException {
        try {
            for (ScreenChanges.Op op : frame.ops()) {
                if (op instanceof ScreenChanges.Resize r) {
                    out.add("size", 0, r.width(), r.height());
                    lossy.clear();
                } else if (op instanceof ScreenChanges.Copy c) {
                    out.add("copy", 0, c.srcX(), c.srcY(), c.width(), c.height(), OVER, 0, c.x(), c.y());
                    copies.incrementAndGet();
                    Region src = new Region(c.srcX(), c.srcY(), c.width(), c.height());
                    if (lossy.stream().anyMatch(src::intersects)) {
                        lossy.add(new Region(c.x(), c.y(), c.width(), c.height()));
                    }
                }
            }
            boolean newLossy = false;
            for (Region region : frame.regions()) {
                boolean changing = previousRegions.stream().anyMatch(region::intersects);
                for (Region r : bands(region)) {
                    int[] pixels = framebuffer.region(r.x(), r.y(), r.width(), r.height());
                    ImageChooser.Image image = images.encode(pixels, r.width(), r.height(), changing);
                    sendImage(out, 0, r.x(), r.y(), image);
                    if (image.lossy()) {
                        lossy.add(r);
                        newLossy = true;
                    } else {
                        lossy.removeIf(r::contains);
                    }
                }
            }
            if (newLossy) {
                lossyDueNanos = System.nanoTime() + settings.losslessRefresh().toNanos();
            }
            previousRegions = frame.regions();
            if (frame.cursor() != null) {
                sendCursor(out, images, frame.cursor());
            }
            sync(out);
        } catch (IndexOutOfBoundsException e) {
            // the screen shrank under a region of this frame: the resize's full redraw follows
            log.debug("desktop session {}: frame skipped after a resize", request.sessionId(), e);
            sync(out);
        }
    }

    /**
     * The region cut into horizontal bands of at most {@value #MAX_IMAGE_PIXELS} pixels: bounds the memory one image
     * takes here and in the browser, and lets the browser decode the first bands while later ones arrive.
     */
    static List<Region> bands(Region region) {
        if (region.area() <= MAX_IMAGE_PIXELS) {
            return List.of(region);
        }
        int rows = Math.max(1, MAX_IMAGE_PIXELS / region.width());
        List<Region> bands = new ArrayList<>();
        for (int y = region.y(); y < region.bottom(); y += rows) {
            bands.add(new Region(region.x(), y, region.width(), Math.min(rows, region.bottom() - y)));
        }
        return bands;
    }

    private void sendRefresh(GuacOut out, ImageChooser images, List<Region> regions, List<int[]> pixels)
            throws IOException {
        for (int i = 0; i < regions.size(); i++) {
            Region r = regions.get(i);
            sendImage(out, 0, r.x(), r.y(), images.png(pixels.get(i), r.width(), r.height()));
        }
        refreshes.incrementAndGet();
        sync(out);
    }

    private void sendImage(GuacOut out, int layer, int x, int y, ImageChooser.Image image) throws IOException {
        int index = stream();
        out.add("img", index, OVER, layer, image.mimetype(), x, y).blobsAndEnd(index, image.data());
        (image.lossy() ? jpegImages : pngImages).incrementAndGet();
    }

    private void sendCursor(GuacOut out, ImageChooser images, ScreenChanges.Cursor cursor) throws IOException {
        int w = Math.max(1, cursor.width());
        int h = Math.max(1, cursor.height());
        int[] argb = cursor.width() == 0 || cursor.height() == 0 ? new int[1] : cursor.argb();
        out.add("size", CURSOR_LAYER, w, h);
        out.add("rect", CURSOR_LAYER, 0, 0, w, h);
        out.add("cfill", ROUT, CURSOR_LAYER, 0, 0, 0, 255);
        sendImage(out, CURSOR_LAYER, 0, 0, images.pngWithAlpha(argb, w, h));
        out.add("cursor", cursor.hotX(), cursor.hotY(), CURSOR_LAYER, 0, 0, w, h);
    }

    private void sendClipboard(GuacOut out, String text) throws IOException {
        int index = stream();
        out.add("clipboard", index, "text/plain").blobsAndEnd(index, text.getBytes(StandardCharsets.UTF_8));
        flush(out);
    }

    private void sync(GuacOut out) throws IOException {
        long timestamp = Math.max(System.currentTimeMillis(), lastSync + 1);
        lastSync = timestamp;
        out.add("sync", timestamp);
        synchronized (lock) {
            pendingSyncs.add(timestamp);
        }
        flush(out);
        frames.incrementAndGet();
    }

    private static void flush(GuacOut out) throws IOException {
        out.flush();
    }

    private int stream() {
        int index = nextStream;
        nextStream = (nextStream + 1) % 1024;
        return index;
    }

    // ---------------------------------------------------------------- browser input (WebSocket threads)

    @Override
    public void receive(GuacamoleInstruction instruction) {
        List<String> args = instruction.getArgs();
        try {
            switch (instruction.getOpcode()) {
                case "sync" -> acknowledged(Long.parseLong(args.get(0)));
                case "key" -> key(Integer.parseInt(args.get(0)), args.get(1));
                case "mouse" -> mouse(Integer.parseInt(args.get(0)), Integer.parseInt(args.get(1)),
                        Integer.parseInt(args.get(2)));
                case "size" -> size(Integer.parseInt(args.get(0)), Integer.parseInt(args.get(1)));
                case "clipboard" -> openStream(args.get(0), Inbound.Kind.CLIPBOARD, args.get(1), null);
                case "argv" -> openStream(args.get(0), Inbound.Kind.ARGUMENT, args.get(1), args.get(2));
                case "blob" -> blob(args.get(0), args.get(1));
                case "end" -> endStream(args.get(0));
                case "disconnect" -> close(DesktopEnd.closedByUser());
                default -> {
                    // nop, ack of our streams, anything else: nothing to do
                }
            }
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            log.debug("desktop session {}: ignored a malformed {} instruction", request.sessionId(),
                    instruction.getOpcode());
        }
    }

    private void acknowledged(long timestamp) {
        synchronized (lock) {
            boolean any = false;
            while (!pendingSyncs.isEmpty() && pendingSyncs.peekFirst() <= timestamp) {
                pendingSyncs.removeFirst();
                any = true;
            }
            if (any) {
                lock.notifyAll();
            }
        }
    }

    private void key(int keysym, String pressed) {
        if (request.viewOnly() || keysym < 0 || !(pressed.equals("1") || pressed.equals("0"))) {
            return;
        }
        RfbClient client = rfb;
        if (client != null) {
            try {
                client.keyEvent(keysym, pressed.equals("1"));
            } catch (IOException e) {
                log.debug("desktop session {}: a key event was not sent: {}", request.sessionId(), e.getMessage());
            }
        }
    }

    private void mouse(int x, int y, int mask) {
        if (request.viewOnly() || mask < 0 || mask > 255) {
            return;
        }
        RfbClient client = rfb;
        if (client != null) {
            try {
                client.pointerEvent(x, y, mask);
            } catch (IOException e) {
                log.debug("desktop session {}: a pointer event was not sent: {}", request.sessionId(),
                        e.getMessage());
            }
        }
    }

    private void size(int width, int height) {
        if (request.viewOnly() || !settings.resize() || width < 1 || height < 1) {
            return;
        }
        synchronized (lock) {
            wantedSize = new int[] {width, height};
            if (resizeInFlight && System.nanoTime() - resizeSentNanos < RESIZE_ANSWER_MILLIS * 1_000_000) {
                return; // sent when the server answers the one in flight
            }
            resizeInFlight = false;
        }
        sendWantedSize();
    }

    /** Sends the latest size the browser asked for, unless a request is in flight or the screen has it already. */
    private void sendWantedSize() {
        RfbClient client = rfb;
        int[] size;
        synchronized (lock) {
            size = wantedSize;
            if (client == null || size == null || resizeInFlight) {
                return;
            }
            wantedSize = null;
            Framebuffer screen = client.framebuffer();
            if (screen.width() == size[0] && screen.height() == size[1]) {
                return;
            }
            resizeInFlight = true;
            resizeSentNanos = System.nanoTime();
        }
        boolean sent = false;
        try {
            sent = client.requestDesktopSize(size[0], size[1]);
            if (!sent) {
                log.debug("desktop session {}: the VNC server cannot resize its screen", request.sessionId());
            }
        } catch (IOException | IllegalArgumentException e) {
            log.debug("desktop session {}: the screen size was not sent: {}", request.sessionId(), e.getMessage());
        } finally {
            if (!sent) {
                synchronized (lock) {
                    resizeInFlight = false;
                }
            }
        }
    }

    /** A stream the browser opened: the clipboard, or an argument (the password) we asked for. */
    private static final class Inbound {
        enum Kind { CLIPBOARD, ARGUMENT, DISCARD }

        final Kind kind;
        final ByteArrayOutputStream data = new ByteArrayOutputStream();

        Inbound(Kind kind) {
            this.kind = kind;
        }
    }

    /** Streams from the browser the session keeps state for (at most {@value #MAX_INBOUND_STREAMS}); for tests. */
    int openBrowserStreams() {
        synchronized (lock) {
            return inbound.size();
        }
    }

    private void openStream(String index, Inbound.Kind kind, String mimetype, String name) {
        Integer.parseInt(index); // a stream index is a number; anything else is malformed
        GuacamoleStatus refusal = null;
        String message = null;
        synchronized (lock) {
            if (inbound.size() >= MAX_INBOUND_STREAMS && !inbound.containsKey(index)) {
                refusal = GuacamoleStatus.CLIENT_TOO_MANY;
                message = "too many streams at once";
            } else if (!mimetype.startsWith("text/plain")) {
                refusal = GuacamoleStatus.CLIENT_BAD_TYPE;
                message = "only text/plain is taken";
            } else if (kind == Inbound.Kind.CLIPBOARD && request.viewOnly()) {
                refusal = GuacamoleStatus.CLIENT_FORBIDDEN;
                message = "view-only: the clipboard is not sent to the remote desktop";
            } else if (kind == Inbound.Kind.ARGUMENT && (!"password".equals(name) || !passwordAsked)) {
                refusal = GuacamoleStatus.CLIENT_BAD_REQUEST;
                message = "no such argument is asked for";
            }
            if (refusal != GuacamoleStatus.CLIENT_TOO_MANY) {
                // a refused stream is kept (its blobs and end are dropped) only within the cap: the map stays bounded
                inbound.put(index, new Inbound(refusal == null ? kind : Inbound.Kind.DISCARD));
            }
        }
        if (refusal != null) {
            ack(index, message, refusal);
        }
    }

    private void blob(String index, String base64) {
        Inbound stream;
        synchronized (lock) {
            stream = inbound.get(index);
        }
        if (stream == null || stream.kind == Inbound.Kind.DISCARD) {
            return;
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            dropStream(index, "the data is not base64", GuacamoleStatus.CLIENT_BAD_REQUEST);
            return;
        }
        int limit = stream.kind == Inbound.Kind.CLIPBOARD ? MAX_CLIPBOARD_BYTES : MAX_PASSWORD_BYTES;
        synchronized (lock) {
            if (stream.data.size() + bytes.length > limit) {
                inbound.put(index, new Inbound(Inbound.Kind.DISCARD));
                stream = null;
            } else {
                stream.data.writeBytes(bytes);
            }
        }
        if (stream == null) {
            ack(index, "too large: at most " + limit + " bytes", GuacamoleStatus.CLIENT_OVERRUN);
        } else {
            ack(index, "OK", GuacamoleStatus.SUCCESS);
        }
    }

    private void dropStream(String index, String message, GuacamoleStatus status) {
        synchronized (lock) {
            inbound.put(index, new Inbound(Inbound.Kind.DISCARD));
        }
        ack(index, message, status);
    }

    private void endStream(String index) {
        Inbound stream;
        synchronized (lock) {
            stream = inbound.remove(index);
        }
        if (stream == null || stream.kind == Inbound.Kind.DISCARD) {
            return;
        }
        String text = new String(stream.data.toByteArray(), StandardCharsets.UTF_8);
        if (stream.kind == Inbound.Kind.ARGUMENT) {
            synchronized (lock) {
                typedPassword = text;
                lock.notifyAll();
            }
            return;
        }
        RfbClient client = rfb;
        if (client != null && !request.viewOnly()) {
            try {
                client.clientCutText(text);
            } catch (IOException | IllegalArgumentException e) {
                log.debug("desktop session {}: the clipboard was not sent: {}", request.sessionId(), e.getMessage());
            }
        }
    }

    private void ack(String index, String message, GuacamoleStatus status) {
        GuacSink s = sink;
        if (s == null) {
            return;
        }
        try {
            sendNow(GuacOut.encode("ack", index, message, status.getGuacamoleStatusCode()));
        } catch (IOException e) {
            log.debug("desktop session {}: an ack was not sent: {}", request.sessionId(), e.getMessage());
        }
    }

    // ---------------------------------------------------------------- end

    @Override
    public void close(DesktopEnd reason) {
        TunnelStream s;
        synchronized (lock) {
            if (end == null) {
                end = reason;
            }
            if (opening && runThread != null) {
                runThread.interrupt();
            }
            lock.notifyAll();
            s = stream;
        }
        if (s != null) {
            s.close();
        }
    }

    @Override
    public String toString() {
        return "VNC session " + request.sessionId() + " to " + request.serviceName();
    }
}
