package dev.gangway.portal.hmiproxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A deliberately plain HTTP/1.1 client on a socket, so tests choose every byte, including the Host header. */
final class RawHttp implements AutoCloseable {

    /** A response head and, where read, its body. */
    record Response(int status, List<String[]> headers, byte[] body) {

        String header(String name) {
            List<String> all = headers(name);
            return all.isEmpty() ? null : all.get(0);
        }

        List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            for (String[] header : headers) {
                if (header[0].equalsIgnoreCase(name)) {
                    values.add(header[1]);
                }
            }
            return values;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    final InputStream in;
    final OutputStream out;

    RawHttp(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(30_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends a GET with the given host and extra header lines (each without CRLF) and reads the response. */
    Response get(String host, String path, String... headerLines) throws IOException {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
        for (String line : headerLines) {
            request.append(line).append("\r\n");
        }
        send(request.append("\r\n").toString());
        return read();
    }

    /** Reads a whole response (Content-Length, chunked, or until the connection closes). */
    Response read() throws IOException {
        return readBodyOf(readHead());
    }

    /** Reads the body that belongs to a head read with {@link #readHead()}. */
    Response readBodyOf(Response head) throws IOException {
        String length = head.header("Content-Length");
        byte[] body;
        if (head.status() == 101 || head.status() == 204 || head.status() == 304) {
            body = new byte[0];
        } else if (length != null) {
            body = in.readNBytes(Integer.parseInt(length.trim()));
        } else if ("chunked".equalsIgnoreCase(head.header("Transfer-Encoding"))) {
            body = readChunked();
        } else {
            body = in.readAllBytes();
        }
        return new Response(head.status(), head.headers(), body);
    }

    /** Reads the status line and headers only; the body stays in {@link #in}. */
    Response readHead() throws IOException {
        String status = line();
        if (status == null) {
            throw new IOException("the connection closed before a response");
        }
        String[] parts = status.split(" ", 3);
        List<String[]> headers = new ArrayList<>();
        for (String line = line(); line != null && !line.isEmpty(); line = line()) {
            int colon = line.indexOf(':');
            headers.add(new String[] {line.substring(0, colon).trim(), line.substring(colon + 1).trim()});
        }
        return new Response(Integer.parseInt(parts[1]), headers, new byte[0]);
    }

    /** Whether the server closed the connection (end of stream or reset) without sending anything more. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (SocketException e) {
            return e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("reset");
        }
    }

    /** Everything until the server closes the connection; a reset (we sent bytes it never read) also ends it. */
    byte[] readUntilClosed() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                all.write(buffer, 0, n);
            }
        } catch (SocketException e) {
            if (e.getMessage() == null || !e.getMessage().toLowerCase(Locale.ROOT).contains("reset")) {
                throw e;
            }
        }
        return all.toByteArray();
    }

    private byte[] readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = line();
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                while (!line().isEmpty()) {
                    // trailers
                }
                return body.toByteArray();
            }
            body.write(in.readNBytes(size));
            line();
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
