package dev.gangway.portal.desktop.rdp;

import dev.gangway.portal.desktop.GuacSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleStatus;

/**
 * Asks the browser for connection arguments with Guacamole's {@code required} instruction and collects the
 * {@code argv} streams that answer it ({@code argv,<stream>,text/plain,<name>}, {@code blob}s, {@code end}), acking
 * each as guacd does.
 *
 * <p>Threads: {@link #ask} and {@link #await} on the session thread, {@link #receive} on the WebSocket's threads.
 * Values are never logged; each is at most 1024 characters.
 */
final class ArgumentPrompt {

    static final int MAX_VALUE = 1024;

    private final Set<String> names;
    private final Map<String, String> streamNames = new HashMap<>();
    private final Map<String, StringBuilder> partial = new HashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();
    private GuacSink sink;
    private boolean tooLong;

    ArgumentPrompt(Set<String> names) {
        this.names = Set.copyOf(names);
    }

    /** Sends {@code required} with the names (in the given order). */
    void ask(GuacSink sink, List<String> order) throws IOException {
        synchronized (this) {
            this.sink = sink;
        }
        sink.send(new GuacamoleInstruction("required", order).toString());
    }

    /**
     * Handles an instruction from the browser; true if it belonged to the prompt.
     */
    boolean receive(GuacamoleInstruction instruction) {
        List<String> args = instruction.getArgs();
        String ack = null;
        String stream = args.isEmpty() ? null : args.get(0);
        synchronized (this) {
            switch (instruction.getOpcode()) {
                case "argv":
                    // at most one stream per asked name at a time: a browser opening streams without end
                    // cannot make the maps grow
                    if (args.size() >= 3 && names.contains(args.get(2)) && partial.size() < names.size()) {
                        streamNames.put(stream, args.get(2));
                        partial.put(stream, new StringBuilder());
                        ack = stream;
                    }
                    break;
                case "blob":
                    if (args.size() >= 2 && partial.containsKey(stream)) {
                        StringBuilder value = partial.get(stream);
                        try {
                            value.append(new String(Base64.getDecoder().decode(args.get(1)), StandardCharsets.UTF_8));
                        } catch (IllegalArgumentException e) {
                            tooLong = true;
                        }
                        if (value.length() > MAX_VALUE) {
                            tooLong = true;
                            value.setLength(0);
                        }
                        ack = stream;
                    }
                    break;
                case "end":
                    if (partial.containsKey(stream)) {
                        values.put(streamNames.remove(stream), partial.remove(stream).toString());
                        notifyAll();
                        return true;
                    }
                    break;
                default:
                    return false;
            }
        }
        if (ack == null) {
            return false;
        }
        GuacSink s;
        synchronized (this) {
            s = sink;
        }
        if (s != null) {
            try {
                s.send(new GuacamoleInstruction("ack", ack, "OK",
                        Integer.toString(GuacamoleStatus.SUCCESS.getGuacamoleStatusCode())).toString());
            } catch (IOException ignored) {
                // the browser is gone; the session ends through its own path
            }
        }
        return true;
    }

    /**
     * Waits until every name got a value, {@code cancelled} turns true, or the time is up.
     *
     * @return the values by name, or null when not all arrived (or one was malformed or too long)
     */
    synchronized Map<String, String> await(long millis, BooleanSupplier cancelled)
            throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!values.keySet().containsAll(names) && !cancelled.getAsBoolean()) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return null;
            }
            wait(Math.min(left, 100));
        }
        if (tooLong || !values.keySet().containsAll(names)) {
            return null;
        }
        return Map.copyOf(values);
    }
}
