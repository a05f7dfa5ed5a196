package dev.gangway.portal.desktop.rfb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every handshake path, byte for byte, against hand-built server streams. */
class RfbHandshakeTest {

    static final String SET_PIXEL_FORMAT = "00000000" + "20180001" + "00ff00ff00ff" + "100800" + "000000";
    static final String SET_ENCODINGS_DEFAULT = "02000008" + "00000010" + "00000007" + "00000001" + "00000000"
            + "ffffff11" + "fffffecc" + "ffffff21" + "ffffff20";
    /** DES of 00..0f under "secret" with mirrored key bits, computed with openssl: the VNC Authentication vector. */
    static final String SECRET_RESPONSE = "ee22539f33a5983ec12f9c2edbc995dd";
    static final String CHALLENGE = "000102030405060708090a0b0c0d0e0f";

    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    private RfbClient connect(ServerBytes server, PasswordSource passwords) throws IOException {
        return RfbClient.connect(new ByteArrayInputStream(server.toByteArray()), sent, RfbSettings.defaults(),
                passwords);
    }

    private String sentHex() {
        return HexFormat.of().formatHex(sent.toByteArray());
    }

    private static String ascii(String s) {
        return HexFormat.of().formatHex(s.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void version38WithSecurityNone() throws IOException {
        RfbClient client = connect(new ServerBytes().noneHandshake(320, 240), PasswordSource.NONE);

        assertThat(sentHex()).isEqualTo(ascii("RFB 003.008\n") + "01" + "01" + SET_PIXEL_FORMAT
                + SET_ENCODINGS_DEFAULT);
        ServerInit init = client.serverInit();
        assertThat(init.width()).isEqualTo(320);
        assertThat(init.height()).isEqualTo(240);
        assertThat(init.name()).isEqualTo("test");
        assertThat(init.version()).isEqualTo("3.8");
        assertThat(init.serverPixelFormat()).isEqualTo(PixelFormat.ARGB32);
        assertThat(client.framebuffer().width()).isEqualTo(320);
        assertThat(client.framebuffer().pixel(319, 239)).isEqualTo(0xFF000000);
    }

    @Test
    void version37WithSecurityNoneHasNoSecurityResult() throws IOException {
        RfbClient client = connect(new ServerBytes().ascii("RFB 003.007\n").u8(1, 1).serverInit(8, 4, "seven"),
                PasswordSource.NONE);

        assertThat(sentHex()).isEqualTo(ascii("RFB 003.007\n") + "01" + "01" + SET_PIXEL_FORMAT
                + SET_ENCODINGS_DEFAULT);
        assertThat(client.serverInit().version()).isEqualTo("3.7");
        assertThat(client.serverInit().name()).isEqualTo("seven");
    }

    @Test
    void version33WithSecurityNoneIsToldNotChosen() throws IOException {
        RfbClient client = connect(new ServerBytes().ascii("RFB 003.003\n").s32(1).serverInit(8, 4, "three"),
                PasswordSource.NONE);

        assertThat(sentHex()).isEqualTo(ascii("RFB 003.003\n") + "01" + SET_PIXEL_FORMAT + SET_ENCODINGS_DEFAULT);
        assertThat(client.serverInit().version()).isEqualTo("3.3");
    }

    @Test
    void version38WithVncPassword() throws IOException {
        char[] password = "secret".toCharArray();
        RfbClient client = connect(new ServerBytes().ascii("RFB 003.008\n").u8(2, 19, 2).hex(CHALLENGE).s32(0)
                .serverInit(8, 4, "auth"), () -> password);

        assertThat(sentHex()).isEqualTo(ascii("RFB 003.008\n") + "02" + SECRET_RESPONSE + "01" + SET_PIXEL_FORMAT
                + SET_ENCODINGS_DEFAULT);
        assertThat(client.serverInit().name()).isEqualTo("auth");
        assertThat(password).as("the password is wiped after use").containsOnly('\0');
    }

    @Test
    void version33WithVncPassword() throws IOException {
        connect(new ServerBytes().ascii("RFB 003.003\n").s32(2).hex(CHALLENGE).s32(0).serverInit(8, 4, "x"),
                PasswordSource.of("secret"));

        assertThat(sentHex()).isEqualTo(ascii("RFB 003.003\n") + SECRET_RESPONSE + "01" + SET_PIXEL_FORMAT
                + SET_ENCODINGS_DEFAULT);
    }

    @Test
    void onlyTheFirstEightBytesOfAPasswordCount() throws IOException {
        connect(new ServerBytes().ascii("RFB 003.007\n").u8(1, 2).hex(CHALLENGE).s32(0).serverInit(8, 4, "x"),
                PasswordSource.of("secret\0\0 and more"));

        assertThat(sentHex()).contains(SECRET_RESPONSE);
    }

    @Test
    void noneIsPreferredWhenBothAreOffered() throws IOException {
        connect(new ServerBytes().ascii("RFB 003.008\n").u8(2, 2, 1).s32(0).serverInit(8, 4, "x"),
                () -> {
                    throw new AssertionError("no password may be asked for");
                });

        assertThat(sentHex()).startsWith(ascii("RFB 003.008\n") + "01" + "01");
    }

    @Test
    void wrongPasswordIn38CarriesTheServersReason() {
        ServerBytes server = new ServerBytes().ascii("RFB 003.008\n").u8(1, 2).hex(CHALLENGE).s32(1)
                .string("Authentication failure");

        assertThatThrownBy(() -> connect(server, PasswordSource.of("wrong")))
                .isInstanceOf(RfbAuthenticationException.class)
                .hasMessage("wrong VNC password (the VNC server says: \"Authentication failure\")");
    }

    @ParameterizedTest
    @CsvSource({"RFB 003.007", "RFB 003.003"})
    void wrongPasswordBefore38(String version) {
        ServerBytes server = new ServerBytes().ascii(version + "\n");
        if (version.endsWith("7")) {
            server.u8(1, 2);
        } else {
            server.s32(2);
        }
        server.hex(CHALLENGE).s32(1);

        assertThatThrownBy(() -> connect(server, PasswordSource.of("wrong")))
                .isInstanceOf(RfbAuthenticationException.class).hasMessage("wrong VNC password");
    }

    @Test
    void noPasswordAtHand() {
        ServerBytes server = new ServerBytes().ascii("RFB 003.008\n").u8(1, 2).hex(CHALLENGE);

        assertThatThrownBy(() -> connect(server, PasswordSource.NONE))
                .isInstanceOf(RfbAuthenticationException.class)
                .hasMessage("the VNC server asks for a password, and none is set for this service");
    }

    @Test
    void noCommonSecurityType() {
        ServerBytes server = new ServerBytes().ascii("RFB 003.008\n").u8(3, 19, 18, 99);

        assertThatThrownBy(() -> connect(server, PasswordSource.NONE))
                .isInstanceOf(RfbProtocolException.class)
                .hasMessage("the VNC server offers no security type we support: VeNCrypt (19), TLS (18), type (99) "
                        + "(we support None and VNC password)");
    }

    @Test
    void noCommonSecurityTypeIn33() {
        ServerBytes server = new ServerBytes().ascii("RFB 003.003\n").s32(16);

        assertThatThrownBy(() -> connect(server, PasswordSource.NONE))
                .hasMessage("the VNC server offers no security type we support: Tight (16) "
                        + "(we support None and VNC password)");
    }

    @Test
    void refusalWithAReason() {
        assertThatThrownBy(() -> connect(new ServerBytes().ascii("RFB 003.008\n").u8(0)
                .string("Too many security failures"), PasswordSource.NONE))
                .isInstanceOf(RfbProtocolException.class)
                .hasMessage("the VNC server refused the connection: Too many security failures");
        assertThatThrownBy(() -> connect(new ServerBytes().ascii("RFB 003.003\n").s32(0)
                .string("go away\r\n\u0007"), PasswordSource.NONE))
                .hasMessage("the VNC server refused the connection: go away");
    }

    @Test
    void securityResultFailureWithNoneIn38() {
        ServerBytes server = new ServerBytes().ascii("RFB 003.008\n").u8(1, 1).s32(1).string("not now");

        assertThatThrownBy(() -> connect(server, PasswordSource.NONE))
                .isNotInstanceOf(RfbAuthenticationException.class)
                .hasMessage("the VNC server refused the connection (the VNC server says: \"not now\")");
    }

    @ParameterizedTest
    @CsvSource({
        "RFB 003.889, RFB 003.008", // Apple Remote Desktop
        "RFB 004.001, RFB 003.008", // RealVNC 4+
        "RFB 003.008, RFB 003.008",
        "RFB 003.007, RFB 003.007",
        "RFB 003.005, RFB 003.003", // unknown 3.x counts as 3.3
        "RFB 003.003, RFB 003.003"})
    void answersTheHighestVersionNotAboveTheServers(String offered, String answered) throws IOException {
        ServerBytes server = new ServerBytes().ascii(offered + "\n");
        if (answered.endsWith("3")) {
            server.s32(1);
        } else {
            server.u8(1, 1);
            if (answered.endsWith("8")) {
                server.s32(0);
            }
        }
        connect(server.serverInit(8, 4, "x"), PasswordSource.NONE);

        assertThat(sentHex()).startsWith(ascii(answered + "\n"));
    }

    @Test
    void tooOldAVersion() {
        assertThatThrownBy(() -> connect(new ServerBytes().ascii("RFB 003.002\n"), PasswordSource.NONE))
                .hasMessage("the VNC server speaks RFB 3.2, older than 3.3, the oldest version this client speaks");
    }

    @Test
    void notAVncServer() {
        assertThatThrownBy(() -> connect(new ServerBytes().ascii("SSH-2.0-OpenSSH_9.2p1\r\n"), PasswordSource.NONE))
                .isInstanceOf(RfbProtocolException.class)
                .hasMessage("not a VNC server: it greeted with \"SSH-2.0-Open\"");
        assertThatThrownBy(() -> connect(new ServerBytes().ascii("HTTP/1.1\r\n"), PasswordSource.NONE))
                .hasMessage("not a VNC server: it greeted with \"HTTP/1.1\\x0d\\x0a\"");
        assertThatThrownBy(() -> connect(new ServerBytes(), PasswordSource.NONE))
                .hasMessage("not a VNC server: it closed the connection without a word");
        assertThatThrownBy(() -> connect(new ServerBytes().ascii("RFB 003.00x\n"), PasswordSource.NONE))
                .hasMessage("not a VNC server: it greeted with \"RFB 003.00x\\x0a\"");
    }

    @Test
    void connectionClosedInTheMiddle() {
        assertThatThrownBy(() -> connect(new ServerBytes().ascii("RFB 003.008\n").u8(1, 1).s32(0).u16(320),
                PasswordSource.NONE))
                .isInstanceOf(RfbProtocolException.class)
                .hasMessage("the VNC server closed the connection in the middle of a message");
    }

    @ParameterizedTest
    @CsvSource({"0, 240", "320, 0", "16385, 10", "10, 16385", "16384, 16384"})
    void screenSizesBeyondTheLimitsAreRefused(int width, int height) {
        assertThatThrownBy(() -> connect(new ServerBytes().noneHandshake(width, height), PasswordSource.NONE))
                .isInstanceOf(RfbProtocolException.class)
                .hasMessageStartingWith("the VNC server's screen: a screen of " + width + "×" + height + " pixels "
                        + "is beyond this client's limits");
    }

    @Test
    void oversizeLengthsAreRefusedBeforeAnythingIsAllocated() {
        assertThatThrownBy(() -> connect(new ServerBytes().ascii("RFB 003.008\n").u8(1, 1).s32(0)
                .u16(320, 240).u8(32, 24, 0, 1).u16(255, 255, 255).u8(16, 8, 0, 0, 0, 0).s32(0xFFFFFFFF),
                PasswordSource.NONE))
                .hasMessage("the VNC server sent a desktop name of 4294967295 bytes; the limit is 65536 bytes");
        assertThatThrownBy(() -> connect(new ServerBytes().ascii("RFB 003.008\n").u8(0).s32(0x7FFFFFFF),
                PasswordSource.NONE))
                .hasMessage("the VNC server sent a reason of 2147483647 bytes; the limit is 65536 bytes");
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> RfbSettings.defaults().withEncodings(5))
                .hasMessage("'encodings' holds 5, which this client cannot decode; use ZRLE (16), Tight (7), "
                        + "CopyRect (1), Raw (0)");
        assertThatThrownBy(() -> RfbSettings.defaults().withEncodings(16, 16))
                .hasMessage("'encodings' lists ZRLE (16) twice");
        assertThatThrownBy(() -> RfbSettings.defaults().withJpegQuality(10))
                .hasMessage("'jpegQuality' is 10; use 0 to 9, or -1 for none");
        assertThat(RfbSettings.defaults().withEncodings(7).withJpegQuality(6).setEncodingsList())
                .containsExactly(7, -239, -308, -223, -224, -26);
    }
}
