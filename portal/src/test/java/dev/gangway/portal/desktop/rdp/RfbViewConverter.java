package dev.gangway.portal.desktop.rdp;

import dev.gangway.portal.desktop.DesktopConverter;
import dev.gangway.portal.desktop.DesktopEnd;
import dev.gangway.portal.desktop.DesktopRequest;
import dev.gangway.portal.desktop.DesktopSession;
import dev.gangway.portal.desktop.GuacSink;
import dev.gangway.portal.desktop.TunnelStream;
import dev.gangway.portal.desktop.rfb.Framebuffer;
import dev.gangway.portal.desktop.rfb.PasswordSource;
import dev.gangway.portal.desktop.rfb.RfbClient;
import dev.gangway.portal.desktop.rfb.RfbListener;
import dev.gangway.portal.desktop.rfb.RfbSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleStatus;

/**
 * A stand-in for the embedded VNC converter in the RDP tests: it reads the private Xvnc with the RFB client core,
 * keeps the framebuffer for the test to look at, and turns {@code key} and {@code mouse} instructions into RFB
 * events. Sends nothing to the sink.
 */
final class RfbViewConverter implements DesktopConverter {

    final AtomicReference<View> latest = new AtomicReference<>();
    final AtomicReference<DesktopRequest> lastRequest = new AtomicReference<>();

    @Override
    public String name() {
        return "test-rfb";
    }

    @Override
    public boolean handles(String kind) {
        return "vnc".equals(kind);
    }

    @Override
    public DesktopSession open(DesktopRequest request) {
        lastRequest.set(request);
        View view = new View(request);
        latest.set(view);
        return view;
    }

    static final class View implements DesktopSession {

        private final DesktopRequest request;
        private final AtomicReference<DesktopEnd> closed = new AtomicReference<>();
        private volatile TunnelStream stream;
        private volatile RfbClient client;

        View(DesktopRequest request) {
            this.request = request;
        }

        Framebuffer framebuffer() {
            RfbClient c = client;
            return c == null ? null : c.framebuffer();
        }

        int pixel(int x, int y) {
            Framebuffer f = framebuffer();
            return f == null || x >= f.width() || y >= f.height() ? 0 : f.pixel(x, y) & 0xFFFFFF;
        }

        @Override
        public DesktopEnd run(GuacSink sink) {
            try {
                stream = request.opener().open();
                if (closed.get() != null) {
                    return closed.get();
                }
                RfbClient c = RfbClient.connect(stream.input(), stream.output(), RfbSettings.defaults(),
                        PasswordSource.of(request.credentials().password()));
                client = c;
                c.run(new RfbListener() {
                    @Override
                    public void updateDone() {
                        try {
                            c.requestUpdate(true);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }
                });
                return end(new DesktopEnd(GuacamoleStatus.SUCCESS, "the VNC server closed the connection"));
            } catch (IOException | RuntimeException e) {
                return end(new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR, String.valueOf(e.getMessage())));
            } finally {
                TunnelStream s = stream;
                if (s != null) {
                    s.close();
                }
            }
        }

        private DesktopEnd end(DesktopEnd fallback) {
            DesktopEnd c = closed.get();
            return c != null ? c : fallback;
        }

        @Override
        public void receive(GuacamoleInstruction instruction) {
            RfbClient c = client;
            if (c == null || request.viewOnly()) {
                return;
            }
            List<String> args = instruction.getArgs();
            try {
                switch (instruction.getOpcode()) {
                    case "key" -> c.keyEvent(Integer.parseInt(args.get(0)), "1".equals(args.get(1)));
                    case "mouse" -> c.pointerEvent(Integer.parseInt(args.get(0)), Integer.parseInt(args.get(1)),
                            Integer.parseInt(args.get(2)));
                    default -> {
                    }
                }
            } catch (IOException e) {
                close(new DesktopEnd(GuacamoleStatus.UPSTREAM_ERROR, e.getMessage()));
            }
        }

        @Override
        public void close(DesktopEnd reason) {
            closed.compareAndSet(null, reason);
            TunnelStream s = stream;
            if (s != null) {
                s.close();
            }
        }
    }
}
