package dev.gangway.agent.demohmi;

import dev.gangway.agent.process.StopSignal;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code demo-hmi}: serves the demo HMI web app until SIGTERM or Ctrl-C. */
@Command(name = "demo-hmi", mixinStandardHelpOptions = true,
        description = {"Serves a demo HMI web app to try Gangway without a real machine.",
            "A machine panel with live gauges, a WebSocket echo and a test download."})
public final class DemoHmiCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(DemoHmiCommand.class);

    @Option(names = "--bind", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE})")
    private String bind;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8090",
            description = "TCP port (default: ${DEFAULT-VALUE}; 0 picks a free one)")
    private int port;

    @Option(names = "--vnc-port", paramLabel = "PORT", defaultValue = "-1",
            description = {"Also serve the demo machine's operator panel over VNC (RFB, no password) on this port",
                "(0 picks a free one; default: no VNC panel)"})
    private int vncPort;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65535) {
            System.err.println("--port: " + port + " is not a TCP port (0-65535)");
            return 2;
        }
        if (vncPort < -1 || vncPort > 65535) {
            System.err.println("--vnc-port: " + vncPort + " is not a TCP port (0-65535)");
            return 2;
        }
        StopSignal stop = StopSignal.install();
        DemoHmiServer server;
        try {
            server = DemoHmiServer.start(bind, port);
        } catch (Exception e) {
            System.err.println("demo-hmi: cannot listen on " + bind + ":" + port + ": " + e.getMessage());
            return 1;
        }
        DemoVncServer panel = null;
        if (vncPort >= 0) {
            try {
                panel = DemoVncServer.start(bind, vncPort);
            } catch (Exception e) {
                server.close();
                System.err.println("demo-hmi: cannot listen on " + bind + ":" + vncPort + " (--vnc-port): "
                        + e.getMessage());
                return 1;
            }
            log.info("demo VNC panel listening on {}:{}", hostForUrl(panel.localAddress().getAddress()
                    .getHostAddress()), panel.localAddress().getPort());
        }
        try (server) {
            log.info("demo HMI listening on http://{}:{}/", hostForUrl(server.localAddress().getAddress().getHostAddress()),
                    server.localAddress().getPort());
            String why = stop.await();
            log.info("demo HMI stopping ({})", why);
        } finally {
            if (panel != null) {
                panel.close();
            }
        }
        return 0;
    }

    private static String hostForUrl(String ip) {
        return ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
    }
}
