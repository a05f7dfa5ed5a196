package dev.gangway.agent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny HTTP proxy on loopback for tests (plain sockets, a thread per direction): {@code CONNECT} and proxied
 * {@code http://} requests, Basic credentials checked when given (407 otherwise), every request line recorded.
 */
public final class ConnectProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String expectedAuthorization;
    private final NtlmServer ntlm;
    /** NTLM AUTHENTICATE messages checked: true when the NTLMv2 proof matched the known password. */
    public final List<Boolean> ntlmVerdicts = new CopyOnWriteArrayList<>();
    /** Request lines as received, e.g. {@code CONNECT localhost:8443 HTTP/1.1}. */
    public final List<String> requests = new CopyOnWriteArrayList<>();
    /** Every Proxy-Authorization value received. */
    public final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    /** A proxy that wants these Basic credentials, or none when {@code username} is null. */
    public ConnectProxy(String username, String password) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        expectedAuthorization = username == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        ntlm = null;
        start(this::accept);
    }

    /** A proxy that wants NTLM (NTLMv2, checked against this password) on CONNECT. */
    public ConnectProxy(String domain, String username, String password) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        expectedAuthorization = null;
        ntlm = new NtlmServer(domain, username, password);
        start(this::accept);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
    }

    /** {@code host:port} as given to {@code --proxy}. */
    public String hostPort() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                start(() -> serve(client));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try (client) {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            String[] lines = readHead(in).split("\r\n");
            while (ntlm != null) {
                // NTLM authenticates the connection: several CONNECTs on it until the last one gets through.
                requests.add(lines[0]);
                String authorization = null;
                for (int i = 1; i < lines.length; i++) {
                    if (lines[i].toLowerCase(Locale.ROOT).startsWith("proxy-authorization:")) {
                        authorization = lines[i].substring(lines[i].indexOf(':') + 1).trim();
                        authorizations.add(authorization);
                    }
                }
                NtlmServer.Verdict verdict = ntlm.step(authorization);
                if (verdict.verified() != null) {
                    ntlmVerdicts.add(verdict.verified());
                }
                if (verdict.challenge() == null) {
                    break;
                }
                String body = "NTLM authentication required";
                out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: " + verdict.challenge()
                        + "\r\n" + (verdict.close() ? "Connection: close\r\n" : "") + "Content-Length: "
                        + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                if (verdict.close()) {
                    return;
                }
                lines = readHead(in).split("\r\n");
            }
            if (ntlm == null) {
                requests.add(lines[0]);
            }
            String authorization = null;
            long contentLength = 0;
            StringBuilder forwarded = new StringBuilder();
            for (int i = 1; i < lines.length; i++) {
                String lower = lines[i].toLowerCase(Locale.ROOT);
                String value = lines[i].substring(lines[i].indexOf(':') + 1).trim();
                if (lower.startsWith("proxy-authorization:")) {
                    authorization = value;
                    authorizations.add(authorization);
                } else if (!lower.startsWith("proxy-connection:")) {
                    forwarded.append(lines[i]).append("\r\n");
                }
                if (lower.startsWith("content-length:")) {
                    contentLength = Long.parseLong(value);
                }
            }
            String[] request = lines[0].split(" ");
            if (expectedAuthorization != null && !expectedAuthorization.equals(authorization)) {
                in.readNBytes((int) contentLength);
                answer(out, "407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\""
                        + "\r\nConnection: close\r\nProxy-Connection: close");
                return;
            }
            String host;
            int port;
            String firstBytes;
            if (request[0].equals("CONNECT")) {
                int colon = request[1].lastIndexOf(':');
                host = request[1].substring(0, colon).replace("[", "").replace("]", "");
                port = Integer.parseInt(request[1].substring(colon + 1));
                firstBytes = null;
            } else {
                URI uri = URI.create(request[1]);
                host = uri.getHost();
                port = uri.getPort() < 0 ? 80 : uri.getPort();
                firstBytes = request[0] + " " + uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?"
                        + uri.getRawQuery()) + " " + request[2] + "\r\n" + forwarded + "\r\n";
            }
            try (Socket target = new Socket(host, port)) {
                sockets.add(target);
                if (firstBytes == null) {
                    answer(out, "200 Connection established");
                } else {
                    target.getOutputStream().write(firstBytes.getBytes(StandardCharsets.ISO_8859_1));
                }
                Thread back = start(() -> pump(target, client));
                pump(client, target);
                back.join();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the test sees the effect
        }
    }

    private static void answer(OutputStream out, String statusAndHeaders) throws IOException {
        out.write(("HTTP/1.1 " + statusAndHeaders + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            if (head.size() >= 4 && head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        throw new IOException("client closed before the request ended");
    }

    private static void pump(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
            to.shutdownOutput();
        } catch (IOException e) {
            try {
                to.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private static Thread start(Runnable task) {
        Thread t = new Thread(task, "test-proxy");
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
