package dev.gangway.portal.desktop.rfb;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The RFB handshake up to ServerInit (RFC 6143 sections 7.1 to 7.3): version, security, SecurityResult, ClientInit,
 * ServerInit. We answer the highest version we speak that is not above the server's (3.8, 3.7 or 3.3; other 3.x
 * versions count as 3.3, as the RFC says) and pick security None when offered, else VNC Authentication.
 */
final class RfbHandshake {

    static final int SECURITY_INVALID = 0;
    static final int SECURITY_NONE = 1;
    static final int SECURITY_VNC_AUTH = 2;
    static final int MAX_REASON_BYTES = 64 * 1024;
    static final int MAX_NAME_BYTES = 64 * 1024;

    private final RfbInput in;
    private final RfbOutput out;

    RfbHandshake(RfbInput in, RfbOutput out) {
        this.in = in;
        this.out = out;
    }

    ServerInit perform(boolean shared, PasswordSource passwords) throws IOException {
        int minor = negotiateVersion();
        int security = minor == 3 ? securityTypeV33() : chooseSecurityType();
        if (security == SECURITY_VNC_AUTH) {
            answerChallenge(passwords);
        }
        if (security == SECURITY_VNC_AUTH || minor == 8) {
            readSecurityResult(minor, security);
        }
        out.send(new byte[] {(byte) (shared ? 1 : 0)});
        return readServerInit("3." + minor);
    }

    /** Reads the server's ProtocolVersion, answers ours, and returns our minor version (3, 7 or 8). */
    private int negotiateVersion() throws IOException {
        byte[] greeting = new byte[12];
        int got = 0;
        while (got < greeting.length) {
            int n = in.readU8OrEnd();
            if (n < 0) {
                throw new RfbProtocolException(got == 0 ? "not a VNC server: it closed the connection without a word"
                        : "not a VNC server: it greeted with \"" + printable(Arrays.copyOf(greeting, got)) + "\"");
            }
            greeting[got++] = (byte) n;
        }
        String text = new String(greeting, StandardCharsets.ISO_8859_1);
        if (!text.matches("RFB \\d{3}\\.\\d{3}\n")) {
            throw new RfbProtocolException("not a VNC server: it greeted with \"" + printable(greeting) + "\"");
        }
        int major = Integer.parseInt(text.substring(4, 7));
        int serverMinor = Integer.parseInt(text.substring(8, 11));
        if (major < 3 || (major == 3 && serverMinor < 3)) {
            throw new RfbProtocolException("the VNC server speaks RFB " + major + "." + serverMinor
                    + ", older than 3.3, the oldest version this client speaks");
        }
        int minor = major > 3 || serverMinor >= 8 ? 8 : serverMinor == 7 ? 7 : 3;
        out.send(("RFB 003.00" + minor + "\n").getBytes(StandardCharsets.US_ASCII));
        return minor;
    }

    private int securityTypeV33() throws IOException {
        long type = in.readU32();
        if (type == SECURITY_INVALID) {
            throw refused();
        }
        if (type != SECURITY_NONE && type != SECURITY_VNC_AUTH) {
            throw new RfbProtocolException("the VNC server offers no security type we support: "
                    + securityTypeName(type) + " (we support None and VNC password)");
        }
        return (int) type;
    }

    private int chooseSecurityType() throws IOException {
        int count = in.readU8();
        if (count == 0) {
            throw refused();
        }
        byte[] types = in.readBytes(count);
        int chosen = -1;
        List<String> offered = new ArrayList<>();
        for (byte b : types) {
            int type = b & 0xFF;
            offered.add(securityTypeName(type));
            if (type == SECURITY_NONE || (type == SECURITY_VNC_AUTH && chosen != SECURITY_NONE)) {
                chosen = type;
            }
        }
        if (chosen < 0) {
            throw new RfbProtocolException("the VNC server offers no security type we support: "
                    + String.join(", ", offered) + " (we support None and VNC password)");
        }
        out.send(new byte[] {(byte) chosen});
        return chosen;
    }

    private void answerChallenge(PasswordSource passwords) throws IOException {
        byte[] challenge = in.readBytes(VncAuthentication.CHALLENGE_LENGTH);
        char[] password = passwords.password();
        if (password == null) {
            throw new RfbAuthenticationException("the VNC server asks for a password, and none is set for this "
                    + "service");
        }
        byte[] response;
        try {
            response = VncAuthentication.response(challenge, password);
        } finally {
            Arrays.fill(password, '\0');
        }
        out.send(response);
    }

    private void readSecurityResult(int minor, int security) throws IOException {
        long result = in.readU32();
        if (result == 0) {
            return;
        }
        String reason = minor == 8 ? reason() : "";
        String says = reason.isEmpty() ? "" : " (the VNC server says: \"" + reason + "\")";
        if (security == SECURITY_VNC_AUTH) {
            throw new RfbAuthenticationException("wrong VNC password" + says);
        }
        throw new RfbProtocolException("the VNC server refused the connection" + says);
    }

    private ServerInit readServerInit(String version) throws IOException {
        int width = in.readU16();
        int height = in.readU16();
        PixelFormat format = PixelFormat.read(in);
        String name = sanitize(in.readString("desktop name", MAX_NAME_BYTES, StandardCharsets.UTF_8));
        try {
            Framebuffer.checkSize(width, height);
        } catch (IllegalArgumentException e) {
            throw new RfbProtocolException("the VNC server's screen: " + e.getMessage());
        }
        return new ServerInit(width, height, format, name, version);
    }

    private RfbProtocolException refused() throws IOException {
        String reason = reason();
        return new RfbProtocolException("the VNC server refused the connection"
                + (reason.isEmpty() ? "" : ": " + reason));
    }

    private String reason() throws IOException {
        return sanitize(in.readString("reason", MAX_REASON_BYTES, StandardCharsets.UTF_8));
    }

    /** Control characters out, at most 300 characters: the text goes in front of a user. */
    static String sanitize(String text) {
        String clean = text.replaceAll("\\p{Cntrl}", " ").strip();
        return clean.length() > 300 ? clean.substring(0, 300) + "…" : clean;
    }

    private static String printable(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            int c = b & 0xFF;
            s.append(c >= 0x20 && c < 0x7F ? Character.toString(c) : String.format("\\x%02x", c));
        }
        return s.toString();
    }

    static String securityTypeName(long type) {
        String name = switch ((int) Math.min(type, Integer.MAX_VALUE)) {
            case 0 -> "Invalid";
            case 1 -> "None";
            case 2 -> "VNC password";
            case 5 -> "RA2";
            case 6 -> "RA2ne";
            case 16 -> "Tight";
            case 17 -> "Ultra";
            case 18 -> "TLS";
            case 19 -> "VeNCrypt";
            case 20 -> "SASL";
            case 21 -> "MD5";
            case 22 -> "xvp";
            case 30 -> "Apple Remote Desktop";
            default -> "type";
        };
        return name + " (" + type + ")";
    }
}
