package dev.gangway.tunnel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny HTTP CONNECT proxy on loopback for tests (plain sockets, one thread per direction): checks Basic
 * credentials when given, or runs the NTLM handshake ({@link NtlmServer}: a challenge, then the NTLMv2 proof checked
 * against the known password), answers 407 otherwise, and records every request line.
 */
final class ConnectProxy implements AutoCloseable {

    private final ServerSocket server;
    private final String expectedAuthorization;
    private final NtlmServer ntlm;
    /** NTLM AUTHENTICATE messages the proxy checked: true when the NTLMv2 proof matched the known password. */
    final List<Boolean> ntlmVerdicts = new CopyOnWriteArrayList<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    /** A proxy that wants these Basic credentials, or none when {@code username} is null. */
    ConnectProxy(String username, String password) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        expectedAuthorization = username == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        ntlm = null;
        startAcceptor();
    }

    /** A proxy that wants NTLM (NTLMv2) as {@code domain\\username} with this password. */
    ConnectProxy(String domain, String username, String password) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        expectedAuthorization = null;
        ntlm = new NtlmServer(domain, username, password);
        startAcceptor();
    }

    private void startAcceptor() {
        Thread acceptor = new Thread(this::accept, "test-connect-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
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
            if (ntlm != null) {
                // NTLM authenticates the connection: several CONNECTs on it until the last one gets through.
                while (true) {
                    requests.add(lines[0]);
                    String authorization = header(lines, "proxy-authorization");
                    if (authorization != null) {
                        authorizations.add(authorization);
                    }
                    NtlmServer.Verdict verdict = ntlm.step(authorization);
                    if (verdict.verified() != null) {
                        ntlmVerdicts.add(verdict.verified());
                    }
                    if (verdict.challenge() == null) {
                        break;
                    }
                    // A body on each 407: the client must read it to keep the connection in step.
                    String body = "NTLM authentication required";
                    out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: "
                            + verdict.challenge() + "\r\n" + (verdict.close() ? "Connection: close\r\n" : "")
                            + "Content-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if (verdict.close()) {
                        return;
                    }
                    lines = readHead(in).split("\r\n");
                }
                connect(client, lines[0].split(" ")[1]);
                return;
            }
            requests.add(lines[0]);
            String authorization = null;
            for (String line : lines) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("proxy-authorization:")) {
                    authorization = line.substring(line.indexOf(':') + 1).trim();
                    authorizations.add(authorization);
                }
            }
            String[] request = lines[0].split(" ");
            if (!request[0].equals("CONNECT")) {
                answer(out, "405 Method Not Allowed");
                return;
            }
            if (expectedAuthorization != null && !expectedAuthorization.equals(authorization)) {
                answer(out, "407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\""
                        + "\r\nConnection: close\r\nProxy-Connection: close");
                return;
            }
            connect(client, request[1]);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the test sees the effect
        }
    }

    private void connect(Socket client, String hostPort) throws IOException, InterruptedException {
        int colon = hostPort.lastIndexOf(':');
        String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
        try (Socket target = new Socket(host, Integer.parseInt(hostPort.substring(colon + 1)))) {
            sockets.add(target);
            answer(client.getOutputStream(), "200 Connection established");
            Thread back = start(() -> pump(target, client));
            pump(client, target);
            back.join();
        }
    }

    private static String header(String[] lines, String name) {
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].toLowerCase(java.util.Locale.ROOT).startsWith(name + ":")) {
                return lines[i].substring(lines[i].indexOf(':') + 1).trim();
            }
        }
        return null;
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
            String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n")) {
                return text;
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
        Thread t = new Thread(task, "test-connect-proxy-conn");
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
