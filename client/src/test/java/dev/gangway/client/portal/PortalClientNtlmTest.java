package dev.gangway.client.portal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gangway.client.ExitCode;
import dev.gangway.tunnel.ProxySettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import jcifs.ntlmssp.NtlmFlags;
import jcifs.ntlmssp.Type3Message;
import jcifs.smb.NtlmUtil;
import jcifs.util.Crypto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The portal calls go through an NTLM proxy by way of tunnel-core's loopback bridge. The test proxy here answers the
 * NTLM handshake (challenge, then the NTLMv2 proof checked against the known password) and then refuses the
 * CONNECT itself with 403 when the proof matched: enough to see the handshake and the error words without a portal.
 */
class PortalClientNtlmTest {

    private static final byte[] CHALLENGE = {1, 2, 3, 4, 5, 6, 7, 8};

    private ServerSocket server;
    private final List<Boolean> verdicts = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    serve(s);
                } catch (IOException | RuntimeException e) {
                    // next connection
                }
            }
        }, "test-ntlm-proxy");
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void tearDown() throws IOException {
        server.close();
    }

    private void serve(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        while (true) {
            String auth = authorization(head(in));
            if (auth == null) {
                answer(out, "407 Proxy Authentication Required", "Proxy-Authenticate: NTLM\r\n");
                continue;
            }
            byte[] message = Base64.getDecoder().decode(auth.substring(5).trim());
            if (message[8] == 1) {
                answer(out, "407 Proxy Authentication Required", "Proxy-Authenticate: NTLM "
                        + Base64.getEncoder().encodeToString(challenge()) + "\r\n");
                continue;
            }
            Type3Message type3 = new Type3Message(message);
            byte[] nt = type3.getNTResponse();
            MessageDigest hmac = Crypto.getHMACT64(NtlmUtil.nTOWFv2("FACTORY", "bob", "s3cret"));
            hmac.update(CHALLENGE);
            hmac.update(nt, 16, nt.length - 16);
            boolean ok = nt.length > 24 && MessageDigest.isEqual(hmac.digest(), Arrays.copyOf(nt, 16));
            verdicts.add(ok);
            if (ok) {
                answer(out, "403 Forbidden", "Connection: close\r\n");
            } else {
                answer(out, "407 Proxy Authentication Required", "Proxy-Authenticate: NTLM\r\nConnection: close\r\n");
            }
            return;
        }
    }

    private static byte[] challenge() {
        ByteBuffer b = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        b.put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).putInt(2);
        b.putShort((short) 0).putShort((short) 0).putInt(48);
        b.putInt(NtlmFlags.NTLMSSP_NEGOTIATE_UNICODE | NtlmFlags.NTLMSSP_NEGOTIATE_NTLM
                | NtlmFlags.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY);
        b.put(CHALLENGE).putLong(0);
        b.putShort((short) 0).putShort((short) 0).putInt(48);
        return b.array();
    }

    private static void answer(OutputStream out, String status, String headers) throws IOException {
        out.write(("HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: 2\r\n\r\nno")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String authorization(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("proxy-authorization:")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return null;
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            if (head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        throw new IOException("closed");
    }

    private PortalClient client(String base, String password) throws Exception {
        InetSocketAddress proxy = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort());
        return new PortalClient(URI.create(base), Optional.of(ProxySettings.ntlm(proxy, "FACTORY", "bob", password)),
                SSLContext.getDefault(), "test");
    }

    @Test
    void theConnectIsAuthenticatedWithNtlmAndTheProxysRefusalIsNamed() throws Exception {
        PortalClient client = client("https://portal.example", "s3cret");
        assertThatThrownBy(() -> client.signIn("acme", "alice", "pw", null))
                .isInstanceOfSatisfying(PortalException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
                    assertThat(e).hasMessageContaining("refused to connect to portal.example:443"
                            + " (403 Forbidden)");
                });
        assertThat(verdicts).isNotEmpty().containsOnly(true);
    }

    @Test
    void wrongNtlmCredentialsAreNamedWithExitCode7() throws Exception {
        PortalClient client = client("https://portal.example", "wrong");
        assertThatThrownBy(() -> client.signIn("acme", "alice", "pw", null))
                .isInstanceOfSatisfying(PortalException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(ExitCode.UNREACHABLE);
                    assertThat(e).hasMessageStartingWith("the HTTP proxy ").hasMessageEndingWith(":"
                            + server.getLocalPort() + " refused the NTLM credentials of FACTORY\\bob (407); check the"
                            + " proxy domain, user name and password");
                    assertThat(e.getMessage()).doesNotContain("wrong");
                });
        assertThat(verdicts).contains(false);
    }
}
