package dev.gangway.portal.desktop.guacd;

import dev.gangway.portal.desktop.DesktopEnd;
import dev.gangway.portal.desktop.DesktopRequest;
import dev.gangway.portal.desktop.DesktopSession;
import dev.gangway.portal.desktop.GuacSink;
import dev.gangway.portal.desktop.rdp.OneShotSplice;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleProtocolCapability;
import org.apache.guacamole.protocol.GuacamoleProtocolVersion;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One desktop through guacd: a one-shot splice for guacd's connection to the LAN service, the Guacamole handshake
 * with guacd, then instructions relayed both ways.
 *
 * <p>Lifecycle and threads: {@link #run} (the session thread) opens the splice, connects to guacd, does the handshake
 * ({@code select}, {@code args}, {@code size}, {@code audio}, {@code video}, {@code image}, {@code timezone},
 * {@code name}, {@code connect}, {@code ready}) and then reads guacd's instructions and sends them to the browser,
 * a read's worth per message, until guacd ends the session ({@code error}, {@code disconnect}, end of stream, or
 * {@link GuacdSettings#timeout} of silence). {@link #receive} writes the browser's instructions to guacd on the
 * caller's thread (dropped before guacd is ready; in view-only mode keys, mouse, touch, clipboard and file uploads
 * are dropped). {@link #close} closes the guacd connection; {@code run} then closes the splice and returns.
 */
final class GuacdSession implements DesktopSession {

    private static final Logger log = LoggerFactory.getLogger(GuacdSession.class);
    private static final Set<String> INPUT = Set.of("key", "mouse", "touch", "clipboard", "file", "pipe", "put");
    private static final int MAX_VIEWER_ARGV = 4;
    private static final Duration MIN_SPLICE_WAIT = Duration.ofSeconds(30);

    private final DesktopRequest request;
    private final GuacdSettings settings;
    private final AtomicReference<DesktopEnd> closeReason = new AtomicReference<>();
    private final AtomicBoolean ran = new AtomicBoolean();
    /** A viewer's {@code argv} streams (a VNC password typed in), the only streams a viewer may send; capped. */
    private final Set<String> viewerArgvStreams = ConcurrentHashMap.newKeySet();
    private final Object writeLock = new Object();
    private volatile Socket socket;
    private volatile Writer writer;
    private volatile boolean ready;

    GuacdSession(DesktopRequest request, GuacdSettings settings) {
        this.request = request;
        this.settings = settings;
    }

    @Override
    public DesktopEnd run(GuacSink sink) {
        if (!ran.compareAndSet(false, true)) {
            return new DesktopEnd(GuacamoleStatus.SERVER_ERROR, "this desktop session was already run");
        }
        OneShotSplice splice = null;
        try {
            Set<InetAddress> guacdAddresses;
            try {
                guacdAddresses = Set.of(InetAddress.getAllByName(settings.host()));
            } catch (UnknownHostException e) {
                return new DesktopEnd(GuacamoleStatus.UPSTREAM_NOT_FOUND,
                        "the portal cannot find guacd's host " + settings.host());
            }
            Duration spliceWait = settings.timeout().compareTo(MIN_SPLICE_WAIT) > 0 ? settings.timeout()
                    : MIN_SPLICE_WAIT;
            splice = OneShotSplice.open(shortId() + "-guacd", InetAddress.getByName(settings.spliceBind()),
                    guacdAddresses, request.opener(), spliceWait, null);
            DesktopEnd end = connectAndRelay(sink, splice);
            return decide(end, splice);
        } catch (IOException e) {
            return closedOr(new DesktopEnd(GuacamoleStatus.SERVER_ERROR, e.getMessage()));
        } catch (RuntimeException e) {
            log.warn("guacd session {} ({}) failed", request.sessionId(), request.serviceName(), e);
            return closedOr(new DesktopEnd(GuacamoleStatus.SERVER_ERROR,
                    "the desktop session failed (internal error)"));
        } finally {
            closeSocket();
            if (splice != null) {
                splice.close();
            }
        }
    }

    private DesktopEnd connectAndRelay(GuacSink sink, OneShotSplice splice) {
        Socket s = new Socket();
        socket = s;
        if (closeReason.get() != null) {
            closeSocket();
            return closeReason.get();
        }
        String where = settings.host() + ":" + settings.port();
        try {
            s.connect(new InetSocketAddress(settings.host(), settings.port()), (int) settings.timeout().toMillis());
            s.setSoTimeout((int) settings.timeout().toMillis());
            s.setTcpNoDelay(true);
        } catch (IOException e) {
            return closedOr(new DesktopEnd(GuacamoleStatus.UPSTREAM_NOT_FOUND,
                    "the portal cannot reach guacd at " + where + ": " + e.getMessage()));
        }
        try {
            InstructionReader in = new InstructionReader(new InputStreamReader(s.getInputStream(),
                    StandardCharsets.UTF_8));
            writer = new BufferedWriter(new OutputStreamWriter(s.getOutputStream(), StandardCharsets.UTF_8));
            DesktopEnd refused = handshake(in, splice);
            if (refused != null) {
                return refused;
            }
            ready = true;
            return relay(in, sink, in.read());
        } catch (SocketTimeoutException e) {
            return closedOr(new DesktopEnd(GuacamoleStatus.UPSTREAM_TIMEOUT,
                    "guacd at " + where + " stopped answering"));
        } catch (IOException e) {
            return closedOr(new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR,
                    "the connection to guacd failed: " + e.getMessage()));
        }
    }

    /** The client side of the handshake; null when guacd is ready, else why not. */
    private DesktopEnd handshake(InstructionReader in, OneShotSplice splice) throws IOException {
        write(new GuacamoleInstruction("select", request.kind()));
        GuacamoleInstruction args = in.readOne();
        DesktopEnd unexpected = unexpected(args, "args");
        if (unexpected != null) {
            return unexpected;
        }
        List<String> names = args.getArgs();
        GuacamoleProtocolVersion version = !names.isEmpty() && names.get(0).startsWith("VERSION_")
                ? ConnectValues.negotiated(names.get(0)) : GuacamoleProtocolVersion.VERSION_1_0_0;
        write(new GuacamoleInstruction("size", Integer.toString(positive(request.width(), 1024)),
                Integer.toString(positive(request.height(), 768)), Integer.toString(positive(request.dpi(), 96))));
        write(new GuacamoleInstruction("audio"));
        write(new GuacamoleInstruction("video"));
        write(new GuacamoleInstruction("image", "image/png", "image/jpeg", "image/webp"));
        if (GuacamoleProtocolCapability.TIMEZONE_HANDSHAKE.isSupported(version)) {
            write(new GuacamoleInstruction("timezone", ZoneId.systemDefault().getId()));
        }
        if (GuacamoleProtocolCapability.NAME_HANDSHAKE.isSupported(version)) {
            write(new GuacamoleInstruction("name", "gangway"));
        }
        write(new GuacamoleInstruction("connect", ConnectValues.of(names, request.kind(),
                settings.spliceHost(), splice.port(), request.credentials(), request.viewOnly())));
        GuacamoleInstruction readyInstruction = in.readOne();
        unexpected = unexpected(readyInstruction, "ready");
        if (unexpected != null) {
            return unexpected;
        }
        log.debug("guacd session {} ready: guacd connection {}", request.sessionId(),
                readyInstruction.getArgs().isEmpty() ? "?" : readyInstruction.getArgs().get(0));
        return null;
    }

    private DesktopEnd unexpected(GuacamoleInstruction instruction, String expected) {
        if (instruction == null) {
            return closedOr(new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR, expected.equals("args")
                    ? "guacd closed the connection at once (is its " + request.kind() + " support installed?)"
                    : "guacd closed the connection before the session was ready (guacd's log says why)"));
        }
        if (instruction.getOpcode().equals("error")) {
            return closedOr(guacdError(instruction));
        }
        if (!instruction.getOpcode().equals(expected)) {
            return closedOr(new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR, "guacd answered \""
                    + instruction.getOpcode() + "\" where the handshake expects \"" + expected + "\""));
        }
        return null;
    }

    /** guacd's instructions to the browser until it ends the session. */
    private DesktopEnd relay(InstructionReader in, GuacSink sink, List<GuacamoleInstruction> first)
            throws IOException {
        List<GuacamoleInstruction> batch = first;
        while (!batch.isEmpty()) {
            StringBuilder out = new StringBuilder();
            DesktopEnd end = null;
            for (GuacamoleInstruction instruction : batch) {
                switch (instruction.getOpcode()) {
                    case "error" -> end = guacdError(instruction);
                    case "disconnect" -> end = new DesktopEnd(GuacamoleStatus.SUCCESS, "guacd ended the session");
                    default -> out.append(instruction);
                }
                if (end != null) {
                    break;
                }
            }
            if (out.length() > 0) {
                try {
                    sink.send(out.toString());
                } catch (IOException e) {
                    return closedOr(DesktopEnd.closedByUser());
                }
            }
            if (end != null) {
                return closedOr(end);
            }
            batch = in.read();
        }
        return closedOr(new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR, "guacd closed the connection"));
    }

    /** guacd's {@code error,<message>,<status>} as an end: its status, its words. */
    static DesktopEnd guacdError(GuacamoleInstruction error) {
        List<String> args = error.getArgs();
        String message = args.isEmpty() || args.get(0).isBlank() ? "no reason given" : args.get(0);
        GuacamoleStatus status = null;
        if (args.size() > 1) {
            try {
                status = GuacamoleStatus.fromGuacamoleStatusCode(Integer.parseInt(args.get(1)));
            } catch (NumberFormatException e) {
                status = null;
            }
        }
        return new DesktopEnd(status == null ? GuacamoleStatus.UPSTREAM_ERROR : status,
                "guacd reports: " + message);
    }

    private DesktopEnd decide(DesktopEnd end, OneShotSplice splice) {
        DesktopEnd closed = closeReason.get();
        if (closed != null) {
            return closed;
        }
        if (splice.failure() != null && end.status() != GuacamoleStatus.SUCCESS) {
            return new DesktopEnd(GuacamoleStatus.UPSTREAM_UNAVAILABLE, splice.failure());
        }
        return end;
    }

    @Override
    public void receive(GuacamoleInstruction instruction) {
        if (!ready) {
            return;
        }
        if (request.viewOnly() && dropForViewer(instruction)) {
            return;
        }
        try {
            write(instruction);
        } catch (IOException e) {
            close(new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR, "the connection to guacd failed: "
                    + e.getMessage()));
        }
    }

    /**
     * What a viewer may not send: input, and every stream but an {@code argv} answer to guacd's {@code required}
     * for a VNC password (a connection parameter). For RDP a viewer may not type credentials (that would be a
     * logon by a user who may only watch). At most {@value #MAX_VIEWER_ARGV} argv streams are open at once, so a
     * viewer that never ends them cannot make the set grow.
     */
    private boolean dropForViewer(GuacamoleInstruction instruction) {
        String opcode = instruction.getOpcode();
        List<String> args = instruction.getArgs();
        if (INPUT.contains(opcode)) {
            return true;
        }
        if (opcode.equals("argv")) {
            if (!"vnc".equals(request.kind()) || args.isEmpty() || viewerArgvStreams.size() >= MAX_VIEWER_ARGV) {
                return true;
            }
            viewerArgvStreams.add(args.get(0));
            return false;
        }
        if (opcode.equals("blob") || opcode.equals("end")) {
            if (args.isEmpty() || !viewerArgvStreams.contains(args.get(0))) {
                return true;
            }
            if (opcode.equals("end")) {
                viewerArgvStreams.remove(args.get(0));
            }
        }
        return false;
    }

    private void write(GuacamoleInstruction instruction) throws IOException {
        Writer w = writer;
        if (w == null) {
            throw new IOException("not connected to guacd");
        }
        synchronized (writeLock) {
            w.write(instruction.toString());
            w.flush();
        }
    }

    @Override
    public void close(DesktopEnd reason) {
        closeReason.compareAndSet(null, reason);
        closeSocket();
    }

    private void closeSocket() {
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing is best effort
            }
        }
    }

    private DesktopEnd closedOr(DesktopEnd end) {
        DesktopEnd closed = closeReason.get();
        return closed != null ? closed : end;
    }

    private String shortId() {
        String id = request.sessionId();
        return id.length() > 8 ? id.substring(0, 8) : id;
    }

    private static int positive(int value, int fallback) {
        return value > 0 ? value : fallback;
    }
}
