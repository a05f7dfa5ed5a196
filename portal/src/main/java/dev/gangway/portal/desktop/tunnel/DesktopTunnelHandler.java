package dev.gangway.portal.desktop.tunnel;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.desktop.DesktopConverter;
import dev.gangway.portal.desktop.DesktopCredentials;
import dev.gangway.portal.desktop.DesktopEnd;
import dev.gangway.portal.desktop.DesktopRequest;
import dev.gangway.portal.desktop.DesktopSession;
import dev.gangway.portal.desktop.GuacSink;
import dev.gangway.portal.desktop.TunnelStreamOpener;
import dev.gangway.portal.desktop.web.DesktopAccess;
import dev.gangway.portal.desktop.web.DesktopCredentialStore;
import dev.gangway.portal.desktop.web.DesktopMode;
import dev.gangway.portal.device.AgentService;
import dev.gangway.portal.report.ConnectionReport;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.SubProtocolCapable;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * The Guacamole WebSocket tunnel at {@code /desktop/tunnel} (subprotocol {@code guacamole}), as
 * guacamole-common-js' {@code Guacamole.WebSocketTunnel} speaks it. The handshake has been checked already
 * ({@link DesktopTunnelConfiguration}: a signed-in portal user, the portal's own origin).
 *
 * <p>On open: the tunnel's UUID first ({@code 0.,36.<uuid>;}); then the connect data (device, service, display size)
 * is read, the service looked up in the user's account ({@link DesktopAccess}: unknown, other account and
 * non-desktop alike → {@code RESOURCE_NOT_FOUND}), the user's desktop right read ({@code CLIENT_FORBIDDEN} without),
 * the converter chosen ({@code UNSUPPORTED} when none can run here, with its reason), the stored credentials read,
 * the connection recorded ({@link ConnectionReport#opened}, kind {@code desktop}; when that fails nothing opens), and
 * the converter's session run on a thread of its own ({@code gangway-desktop-<id8>}). A refusal is an {@code error}
 * instruction with the status and a sentence, then the close with the status' WebSocket code.
 *
 * <p>When the session ends (its own end, the browser closing the WebSocket, a right removed), the browser gets
 * {@code error,<sentence>,<status>} ({@code disconnect} for {@code SUCCESS}), the WebSocket closes with the status'
 * code (1000 for success; the close reason is the Guacamole status code, as guacamole-common-js reads it; a second
 * after the end was sent, unless the browser closed it first, as guacamole-common-js does), and the record is closed
 * with the bytes the session's tunnel streams carried (in: towards the device, out: from it) and the sentence.
 *
 * <p>From the browser: instructions are parsed across messages (one instruction at most 8,192 characters, a message at
 * most {@value #MAX_MESSAGE_CHARS} characters); the internal ping ({@code 0.,4.ping,<ms>;}) is echoed, other internal
 * instructions are dropped, the rest go to the session. To the browser: sends are thread-safe; what waits for a
 * browser that reads slowly is capped ({@code gangway.desktop.send-buffer-bytes}, {@code send-timeout}); beyond, its
 * WebSocket is closed and the session ends.
 */
@Component
class DesktopTunnelHandler extends TextWebSocketHandler implements SubProtocolCapable {

    private static final Logger log = LoggerFactory.getLogger(DesktopTunnelHandler.class);

    static final String SUBPROTOCOL = "guacamole";
    /** Handshake attributes set by {@link DesktopTunnelConfiguration}. */
    static final String USER = "gangway.desktop.user";
    static final String CLIENT_ADDRESS = "gangway.desktop.client-address";
    /** Largest WebSocket message taken from a browser (a clipboard blob is about 8 KiB). */
    static final int MAX_MESSAGE_CHARS = 64 * 1024;
    /** How often the bytes of live sessions are written to their records. */
    static final long PROGRESS_MILLIS = 30_000;
    /** How long the browser has to close the WebSocket itself after the end was sent. */
    static final long CLOSE_GRACE_MILLIS = 1_000;
    /** How long the portal's stop waits for sessions to finish (their records closed). */
    static final long STOP_WAIT_MILLIS = 3_000;

    private final DesktopAccess access;
    private final DesktopConverters converters;
    private final DesktopCredentialStore credentials;
    private final DesktopStreams streams;
    private final ConnectionReport report;
    private final LiveDesktops live;
    private final DesktopSettings settings;
    /** By WebSocket session id. */
    private final Map<String, Connection> connections = new ConcurrentHashMap<>();
    /** Closes WebSockets a moment after their {@code error}; its one thread exists only while closes are due. */
    private final ScheduledThreadPoolExecutor closer;

    /** A live tunnel with its WebSocket (decorated for thread-safe, bounded sending) and its thread. */
    private record Connection(DesktopTunnel tunnel, WebSocketSession out, Thread thread) {
    }

    DesktopTunnelHandler(DesktopAccess access, DesktopConverters converters, DesktopCredentialStore credentials,
            DesktopStreams streams, ConnectionReport report, LiveDesktops live, DesktopSettings settings) {
        this.access = access;
        this.converters = converters;
        this.credentials = credentials;
        this.streams = streams;
        this.report = report;
        this.live = live;
        this.settings = settings;
        this.closer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "gangway-desktop-closer");
            thread.setDaemon(true);
            return thread;
        });
        closer.setKeepAliveTime(1, TimeUnit.SECONDS);
        closer.allowCoreThreadTimeOut(true);
        closer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    @Override
    public List<String> getSubProtocols() {
        return List.of(SUBPROTOCOL);
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession webSocket) {
        webSocket.setTextMessageSizeLimit(MAX_MESSAGE_CHARS);
        WebSocketSession out = new ConcurrentWebSocketSessionDecorator(webSocket,
                (int) settings.sendTimeout().toMillis(), settings.sendBufferBytes(),
                ConcurrentWebSocketSessionDecorator.OverflowStrategy.TERMINATE);
        String id = UUID.randomUUID().toString();
        if (!send(out, new GuacamoleInstruction("", id).toString())) {
            return;
        }
        if (!(webSocket.getAttributes().get(USER) instanceof PortalUser user)) {
            refuse(out, GuacamoleStatus.CLIENT_UNAUTHORIZED, "sign in to the portal first");
            return;
        }
        String clientAddress = (String) webSocket.getAttributes().get(CLIENT_ADDRESS);
        ConnectData data = ConnectData.parse(webSocket.getUri());
        if (!data.isComplete()) {
            refuse(out, GuacamoleStatus.CLIENT_BAD_REQUEST, "the desktop's address names no device or no service");
            return;
        }
        Optional<AgentService> found = access.service(user, data.deviceId(), data.service());
        if (found.isEmpty()) {
            refuse(out, GuacamoleStatus.RESOURCE_NOT_FOUND, Sentences.NOT_FOUND);
            return;
        }
        AgentService service = found.get();
        Optional<DesktopMode> mode = access.mode(user, data.deviceId());
        if (mode.isEmpty()) {
            refuse(out, GuacamoleStatus.CLIENT_FORBIDDEN, Sentences.NO_RIGHT);
            return;
        }
        DesktopConverters.Choice choice = converters.choose(service.kind());
        if (!choice.isAvailable()) {
            refuse(out, GuacamoleStatus.UNSUPPORTED, choice.unavailableReason());
            return;
        }
        DesktopTunnel tunnel = new DesktopTunnel(id, user, data.deviceId(), service.name(), mode.get());
        String tooMany = live.add(tunnel, settings.maxSessionsPerUser(), settings.maxSessionsPerDevice(),
                settings.maxSessions());
        if (tooMany != null) {
            refuse(out, GuacamoleStatus.CLIENT_TOO_MANY, tooMany);
            return;
        }
        try {
            start(webSocket, out, tunnel, choice.converter(), service, data, clientAddress);
        } catch (RuntimeException e) {
            live.remove(tunnel);
            throw e;
        }
    }

    private void start(WebSocketSession webSocket, WebSocketSession out, DesktopTunnel tunnel,
            DesktopConverter converter, AgentService service, ConnectData data, String clientAddress) {
        PortalUser user = tunnel.user();
        DesktopSession session;
        try {
            DesktopCredentials stored = credentials.find(user.accountId(), tunnel.deviceId(), service.name());
            TunnelStreamOpener opener = streams.opener(user, tunnel.deviceId(), service, tunnel.mode(),
                    tunnel::opened);
            session = converter.open(new DesktopRequest(tunnel.id(), tunnel.deviceId(), service.kind(), service.name(),
                    new dev.gangway.tunnel.LanTarget(service.host(), service.port()).authority(),
                    tunnel.mode() == DesktopMode.VIEW_ONLY, stored == null ? DesktopCredentials.NONE : stored,
                    data.width(), data.height(), data.dpi(), opener));
        } catch (RuntimeException e) {
            log.warn("Desktop {} could not be started with {}", tunnel, converter.name(), e);
            live.remove(tunnel);
            // the details (possibly database or converter internals) stay in the log
            refuse(out, GuacamoleStatus.SERVER_ERROR, "the desktop could not be started because of an error in the"
                    + " portal; its log says more (desktop " + tunnel.id() + ")");
            return;
        }
        String recordId;
        try {
            recordId = report.opened(user.accountId(), user.username(), tunnel.deviceId(), service.name(),
                    tunnel.mode() == DesktopMode.VIEW_ONLY ? ConnectionReport.DESKTOP_VIEW : ConnectionReport.DESKTOP,
                    clientAddress);
        } catch (RuntimeException e) {
            log.warn("Desktop {} refused: its connection record could not be written", tunnel, e);
            live.remove(tunnel);
            session.close(new DesktopEnd(GuacamoleStatus.SERVER_ERROR, Sentences.NOT_RECORDED));
            refuse(out, GuacamoleStatus.SERVER_ERROR, Sentences.NOT_RECORDED);
            return;
        }
        tunnel.started(session, recordId);
        Thread thread = new Thread(() -> run(webSocket, out, tunnel), "gangway-desktop-" + tunnel.id().substring(0, 8));
        thread.setDaemon(true);
        connections.put(webSocket.getId(), new Connection(tunnel, out, thread));
        log.info("Opened {} with {} from {}", tunnel, converter.name(), clientAddress);
        thread.start();
    }

    /** The session's thread: runs it, then tells the browser and the report how it ended. */
    private void run(WebSocketSession webSocket, WebSocketSession out, DesktopTunnel tunnel) {
        DesktopEnd end;
        try {
            end = tunnel.session().run(sink(out));
            if (end == null) {
                end = new DesktopEnd(GuacamoleStatus.SERVER_ERROR, "the desktop session ended without a reason");
            }
        } catch (RuntimeException | Error e) {
            log.warn("{} failed", tunnel, e);
            end = new DesktopEnd(GuacamoleStatus.SERVER_ERROR, "the desktop session failed: " + e.getMessage());
        }
        finish(webSocket, out, tunnel, end);
    }

    private static GuacSink sink(WebSocketSession out) {
        return instructions -> {
            if (!out.isOpen()) {
                throw new IOException("the browser closed the desktop");
            }
            try {
                out.sendMessage(new TextMessage(instructions));
            } catch (RuntimeException e) {
                // SessionLimitExceededException: the browser does not keep up; the decorator closed the WebSocket
                throw new IOException("the browser does not keep up: " + e.getMessage(), e);
            }
        };
    }

    private void finish(WebSocketSession webSocket, WebSocketSession out, DesktopTunnel tunnel, DesktopEnd end) {
        if (!tunnel.markEnded()) {
            return;
        }
        connections.remove(webSocket.getId());
        live.remove(tunnel);
        tunnel.closeStreams();
        // a normal end is "disconnect": guacamole-common-js cannot tell a clean close from a dropped connection
        // (which the page retries), so it is told; any other end is an error with the sentence
        send(out, end.status() == GuacamoleStatus.SUCCESS ? new GuacamoleInstruction("disconnect").toString()
                : error(end.status(), end.message()));
        closeSoon(out, end.status());
        try {
            report.closed(tunnel.recordId(), tunnel.bytesToDevice(), tunnel.bytesFromDevice(), end.message());
        } catch (RuntimeException e) {
            log.warn("The connection record of {} could not be closed", tunnel, e);
        }
        log.info("Closed {}: {} ({} bytes to the device, {} from it)", tunnel, end.message(), tunnel.bytesToDevice(),
                tunnel.bytesFromDevice());
    }

    @Override
    protected void handleTextMessage(WebSocketSession webSocket, TextMessage message) {
        Connection connection = connections.get(webSocket.getId());
        if (connection == null) {
            return;
        }
        List<GuacamoleInstruction> instructions;
        try {
            instructions = connection.tunnel().parse(message.getPayload());
        } catch (GuacamoleException e) {
            log.info("{}: the browser sent an unreadable instruction: {}", connection.tunnel(), e.getMessage());
            connection.tunnel().end(new DesktopEnd(GuacamoleStatus.CLIENT_BAD_REQUEST,
                    Sentences.INVALID_INSTRUCTION));
            return;
        }
        for (GuacamoleInstruction instruction : instructions) {
            if (instruction.getOpcode().isEmpty()) {
                List<String> args = instruction.getArgs();
                if (!args.isEmpty() && "ping".equals(args.get(0))) {
                    send(connection.out(), instruction.toString());
                }
                continue;
            }
            try {
                connection.tunnel().session().receive(instruction);
            } catch (RuntimeException e) {
                log.warn("{}: the session failed on {}", connection.tunnel(), instruction.getOpcode(), e);
                connection.tunnel().end(new DesktopEnd(GuacamoleStatus.SERVER_ERROR,
                        "the desktop session failed: " + e.getMessage()));
            }
        }
    }

    @Override
    public void handleTransportError(WebSocketSession webSocket, Throwable exception) {
        log.debug("Desktop WebSocket {} failed", webSocket.getId(), exception);
        close(webSocket, GuacamoleStatus.SERVER_ERROR);
    }

    @Override
    public void afterConnectionClosed(WebSocketSession webSocket, CloseStatus status) {
        Connection connection = connections.get(webSocket.getId());
        if (connection != null) {
            connection.tunnel().end(DesktopEnd.closedByUser());
        }
    }

    /** Writes the bytes of live sessions to their records, when they changed. */
    @Scheduled(fixedDelay = PROGRESS_MILLIS, initialDelay = PROGRESS_MILLIS)
    void progress() {
        for (Connection connection : connections.values()) {
            long[] bytes = connection.tunnel().progress();
            if (bytes != null) {
                try {
                    report.progress(connection.tunnel().recordId(), bytes[0], bytes[1]);
                } catch (RuntimeException e) {
                    log.warn("Progress of {} not recorded", connection.tunnel(), e);
                }
            }
        }
    }

    /** The portal stops: every session ends, and their records are closed (a few seconds at most). */
    @PreDestroy
    void stop() {
        DesktopEnd end = new DesktopEnd(GuacamoleStatus.SESSION_CLOSED, Sentences.PORTAL_STOPPING);
        List<Connection> open = List.copyOf(connections.values());
        for (Connection connection : open) {
            connection.tunnel().end(end);
        }
        long deadline = System.nanoTime() + STOP_WAIT_MILLIS * 1_000_000;
        for (Connection connection : open) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            try {
                connection.thread().join(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closer.shutdown();
        for (Connection connection : open) {
            close(connection.out(), end.status());
        }
    }

    /** Live tunnels (tests). */
    int liveCount() {
        return connections.size();
    }

    private void refuse(WebSocketSession out, GuacamoleStatus status, String message) {
        log.info("Desktop refused: {} ({})", message, status);
        send(out, error(status, message));
        closeSoon(out, status);
    }

    /**
     * Closes the WebSocket after {@value #CLOSE_GRACE_MILLIS} ms unless the browser did first: guacamole-common-js
     * closes it itself on {@code error} and {@code disconnect}, and a close from both sides at once makes browsers
     * log an error.
     */
    private void closeSoon(WebSocketSession out, GuacamoleStatus status) {
        try {
            closer.schedule(() -> close(out, status), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            close(out, status);
        }
    }

    static String error(GuacamoleStatus status, String message) {
        return new GuacamoleInstruction("error", message, Integer.toString(status.getGuacamoleStatusCode()))
                .toString();
    }

    /** Sends, unless the browser is gone; returns whether it was sent. */
    private static boolean send(WebSocketSession out, String instructions) {
        if (!out.isOpen()) {
            return false;
        }
        try {
            out.sendMessage(new TextMessage(instructions));
            return true;
        } catch (IOException | RuntimeException e) {
            log.debug("Desktop WebSocket {}: send failed", out.getId(), e);
            return false;
        }
    }

    /** Closes with the status' WebSocket code; the reason is its Guacamole code (what guacamole-common-js reads). */
    private static void close(WebSocketSession out, GuacamoleStatus status) {
        if (!out.isOpen()) {
            return;
        }
        try {
            out.close(new CloseStatus(status.getWebSocketCode(), Integer.toString(status.getGuacamoleStatusCode())));
        } catch (IOException | RuntimeException e) {
            log.debug("Desktop WebSocket {}: close failed", out.getId(), e);
        }
    }
}
