package dev.gangway.portal.desktop.tunnel;

import dev.gangway.portal.desktop.DesktopConverter;
import dev.gangway.portal.desktop.DesktopEnd;
import dev.gangway.portal.desktop.DesktopRequest;
import dev.gangway.portal.desktop.DesktopSession;
import dev.gangway.portal.desktop.GuacSink;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleStatus;

/**
 * A real, tiny converter for the tunnel's tests: its session sends {@code sync,1} when it runs, echoes every
 * instruction the browser sends, ends itself on {@code bye,<sentence>} (UPSTREAM_ERROR), and runs until closed.
 * Requests and sessions are kept for the tests to look at.
 */
final class EchoConverter implements DesktopConverter {

    static final String NAME = "test-echo";

    final List<Session> sessions = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean handles(String kind) {
        return "vnc".equals(kind) || "rdp".equals(kind);
    }

    @Override
    public DesktopSession open(DesktopRequest request) {
        Session session = new Session(request);
        sessions.add(session);
        return session;
    }

    Session last() {
        return sessions.get(sessions.size() - 1);
    }

    static final class Session implements DesktopSession {

        final DesktopRequest request;
        final CompletableFuture<DesktopEnd> closed = new CompletableFuture<>();
        final List<GuacamoleInstruction> received = new CopyOnWriteArrayList<>();
        volatile GuacSink sink;
        volatile DesktopEnd returned;
        volatile Thread thread;

        Session(DesktopRequest request) {
            this.request = request;
        }

        @Override
        public DesktopEnd run(GuacSink sink) {
            thread = Thread.currentThread();
            this.sink = sink;
            try {
                sink.send("4.sync,1.1;");
                returned = closed.get();
            } catch (IOException e) {
                returned = new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR, "browser gone: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                returned = new DesktopEnd(GuacamoleStatus.SERVER_ERROR, "interrupted");
            } catch (ExecutionException e) {
                returned = new DesktopEnd(GuacamoleStatus.SERVER_ERROR, e.toString());
            }
            return returned;
        }

        @Override
        public void receive(GuacamoleInstruction instruction) {
            received.add(instruction);
            if ("bye".equals(instruction.getOpcode())) {
                close(new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR, instruction.getArgs().get(0)));
                return;
            }
            try {
                sink.send(instruction.toString());
            } catch (IOException e) {
                close(new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR, e.getMessage()));
            }
        }

        @Override
        public void close(DesktopEnd reason) {
            closed.complete(reason);
        }
    }
}
