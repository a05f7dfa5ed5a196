package dev.gangway.portal.desktop.tunnel;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.desktop.DesktopEnd;
import dev.gangway.portal.desktop.DesktopSession;
import dev.gangway.portal.desktop.TunnelStream;
import dev.gangway.portal.desktop.web.DesktopMode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleParser;

/**
 * One browser tab's desktop: its WebSocket's session, the user, the converter's session, the streams it opened
 * (for the byte counts) and its connection record.
 *
 * <p>Threads: {@link #receive} on the WebSocket's threads (one message at a time), {@link #end} on any thread.
 */
final class DesktopTunnel implements LiveDesktops.Live {

    /** Characters of an incomplete instruction kept between messages (an element is at most 8,192). */
    static final int MAX_PENDING = 2 * GuacamoleParser.INSTRUCTION_MAX_LENGTH;

    private final String id;
    private final PortalUser user;
    private final String deviceId;
    private final String service;
    private final DesktopMode mode;
    private final List<TunnelStream> streams = new CopyOnWriteArrayList<>();
    private final GuacamoleParser parser = new GuacamoleParser();
    /** Text the parser could not take yet (only the WebSocket's thread touches it). */
    private final StringBuilder pending = new StringBuilder();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile DesktopSession session;
    private volatile String recordId;
    /** An end asked for before the session was made; guarded by {@code this}. */
    private DesktopEnd endBeforeStart;
    /** Bytes last written to the record's progress, so an idle session costs no update. */
    private long[] reported = {0, 0};

    DesktopTunnel(String id, PortalUser user, String deviceId, String service, DesktopMode mode) {
        this.id = id;
        this.user = user;
        this.deviceId = deviceId;
        this.service = service;
        this.mode = mode;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String accountId() {
        return user.accountId();
    }

    @Override
    public String username() {
        return user.username();
    }

    @Override
    public String deviceId() {
        return deviceId;
    }

    @Override
    public DesktopMode mode() {
        return mode;
    }

    PortalUser user() {
        return user;
    }

    String service() {
        return service;
    }

    /** The session is ready to run; an end asked for before (an access change meanwhile) is passed on now. */
    void started(DesktopSession session, String recordId) {
        DesktopEnd early;
        synchronized (this) {
            this.recordId = recordId;
            this.session = session;
            early = endBeforeStart;
        }
        if (early != null) {
            session.close(early);
        }
    }

    DesktopSession session() {
        return session;
    }

    String recordId() {
        return recordId;
    }

    void opened(TunnelStream stream) {
        streams.add(stream);
    }

    /** Bytes from the browser's side towards the device, over all streams the session opened. */
    long bytesToDevice() {
        return streams.stream().mapToLong(TunnelStream::bytesToDevice).sum();
    }

    /** Bytes from the device towards the user. */
    long bytesFromDevice() {
        return streams.stream().mapToLong(TunnelStream::bytesFromDevice).sum();
    }

    /** The bytes if they changed since the last call, else null. */
    synchronized long[] progress() {
        long[] now = {bytesToDevice(), bytesFromDevice()};
        if (now[0] == reported[0] && now[1] == reported[1]) {
            return null;
        }
        reported = now;
        return now;
    }

    /**
     * Parses a WebSocket message's text. An instruction may span messages: the text after the last complete
     * instruction waits for the next message, at most {@value #MAX_PENDING} characters. Only complete instructions
     * are handed to the parser.
     */
    List<GuacamoleInstruction> parse(String text) throws GuacamoleException {
        pending.append(text);
        int complete = completeInstructions(pending);
        if (complete == 0) {
            if (pending.length() > MAX_PENDING) {
                throw new GuacamoleException("an instruction is longer than " + MAX_PENDING + " characters");
            }
            return List.of();
        }
        char[] chars = new char[complete];
        pending.getChars(0, complete, chars, 0);
        pending.delete(0, complete);
        List<GuacamoleInstruction> instructions = new java.util.ArrayList<>();
        int offset = 0;
        while (offset < complete) {
            int used = parser.append(chars, offset, complete - offset);
            offset += used;
            while (parser.hasNext()) {
                // the parser reuses its element storage for the next instruction: copy
                GuacamoleInstruction parsed = parser.next();
                instructions.add(new GuacamoleInstruction(parsed.getOpcode(), List.copyOf(parsed.getArgs())));
            }
            if (used == 0) {
                throw new GuacamoleException("the instruction could not be read");
            }
        }
        return instructions;
    }

    /**
     * How many characters at the start of {@code text} are whole instructions ({@code <length>.<value>} elements,
     * lengths in Unicode code points, separated by {@code ,} and ended by {@code ;}).
     */
    static int completeInstructions(CharSequence text) throws GuacamoleException {
        int complete = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            int length = 0;
            int digits = 0;
            while (i < n && text.charAt(i) != '.') {
                char c = text.charAt(i++);
                if (c < '0' || c > '9' || ++digits > GuacamoleParser.INSTRUCTION_MAX_DIGITS) {
                    throw new GuacamoleException("an element's length is not a number");
                }
                length = length * 10 + (c - '0');
            }
            if (i >= n) {
                return complete;
            }
            if (digits == 0 || length > GuacamoleParser.INSTRUCTION_MAX_LENGTH) {
                throw new GuacamoleException("an element's length is missing or too large");
            }
            i++;
            for (int codePoints = 0; codePoints < length; codePoints++) {
                if (i >= n) {
                    return complete;
                }
                if (Character.isHighSurrogate(text.charAt(i))) {
                    if (i + 1 >= n) {
                        return complete;
                    }
                    i++;
                }
                i++;
            }
            if (i >= n) {
                return complete;
            }
            char end = text.charAt(i++);
            if (end == ';') {
                complete = i;
            } else if (end != ',') {
                throw new GuacamoleException("an element ends with neither ',' nor ';'");
            }
        }
        return complete;
    }

    /** Closes every stream the session opened (the converter should have; this makes sure). */
    void closeStreams() {
        for (TunnelStream stream : streams) {
            stream.close();
        }
    }

    /** Marks the tunnel ended; true the first time. */
    boolean markEnded() {
        return ended.compareAndSet(false, true);
    }

    @Override
    public void end(DesktopEnd end) {
        DesktopSession current;
        synchronized (this) {
            current = session;
            if (current == null && endBeforeStart == null) {
                endBeforeStart = end;
            }
        }
        if (current != null) {
            current.close(end);
        }
    }

    @Override
    public String toString() {
        return "desktop " + id + " (" + user.getName() + ", device " + deviceId + ", service " + service + ", " + mode
                + ")";
    }
}
