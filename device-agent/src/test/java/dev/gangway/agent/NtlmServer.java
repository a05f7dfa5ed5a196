package dev.gangway.agent;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import jcifs.ntlmssp.NtlmFlags;
import jcifs.ntlmssp.Type1Message;
import jcifs.ntlmssp.Type3Message;
import jcifs.smb.NtlmUtil;
import jcifs.util.Crypto;

/**
 * The proxy side of NTLM for tests, one handshake per instance at a time (the test proxy serves one connection per
 * thread; each step works on the state of the connection it was called for). Issues a CHALLENGE_MESSAGE and checks the
 * AUTHENTICATE_MESSAGE's NTLMv2 proof against the known password with jcifs's NTOWFv2 ({@link NtlmUtil#nTOWFv2}) and
 * HMAC-MD5. NTLMv1 or LM answers (24-byte NT response) are refused.
 */
public final class NtlmServer {

    /** What a step answers: the Proxy-Authenticate value for a 407 (null: let the CONNECT through). */
    public record Verdict(String challenge, boolean close, Boolean verified) {
    }

    private final String domain;
    private final String username;
    private final String password;
    private final SecureRandom random = new SecureRandom();
    private final ThreadLocal<byte[]> serverChallenge = new ThreadLocal<>();

    public NtlmServer(String domain, String username, String password) {
        this.domain = domain;
        this.username = username;
        this.password = password;
    }

    /** One CONNECT with this Proxy-Authorization value (null: none). */
    public Verdict step(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "NTLM ", 0, 5)) {
            return new Verdict("NTLM", false, null);
        }
        byte[] message = Base64.getDecoder().decode(authorization.substring(5).trim());
        try {
            if (message.length > 8 && message[8] == 1) {
                new Type1Message(message); // must parse as a NEGOTIATE_MESSAGE
                byte[] challenge = new byte[8];
                random.nextBytes(challenge);
                serverChallenge.set(challenge);
                return new Verdict("NTLM " + Base64.getEncoder().encodeToString(challengeMessage(challenge,
                        targetInfo(domain, "PROXY"))), false, null);
            }
            if (message.length > 8 && message[8] == 3 && serverChallenge.get() != null) {
                boolean ok = verify(new Type3Message(message), serverChallenge.get());
                serverChallenge.remove();
                return ok ? new Verdict(null, false, true) : new Verdict("NTLM", true, false);
            }
        } catch (IOException | RuntimeException e) {
            return new Verdict("NTLM", true, false);
        }
        return new Verdict("NTLM", true, false);
    }

    private boolean verify(Type3Message type3, byte[] challenge) {
        byte[] nt = type3.getNTResponse();
        if (nt == null || nt.length <= 24) {
            return false; // NTLMv1 or LM: never accepted
        }
        if (!username.equalsIgnoreCase(type3.getUser()) || !domain.equalsIgnoreCase(type3.getDomain())) {
            return false;
        }
        byte[] key = NtlmUtil.nTOWFv2(domain, username, password);
        MessageDigest hmac = Crypto.getHMACT64(key);
        hmac.update(challenge);
        hmac.update(nt, 16, nt.length - 16);
        return MessageDigest.isEqual(hmac.digest(), Arrays.copyOf(nt, 16));
    }

    /** A CHALLENGE_MESSAGE (MS-NLMP 2.2.1.2) without the optional version field. */
    static byte[] challengeMessage(byte[] serverChallenge, byte[] targetInfo) {
        byte[] targetName = "DOMAIN".getBytes(StandardCharsets.UTF_16LE);
        int flags = NtlmFlags.NTLMSSP_NEGOTIATE_UNICODE | NtlmFlags.NTLMSSP_REQUEST_TARGET
                | NtlmFlags.NTLMSSP_NEGOTIATE_NTLM | NtlmFlags.NTLMSSP_NEGOTIATE_ALWAYS_SIGN
                | NtlmFlags.NTLMSSP_TARGET_TYPE_DOMAIN | NtlmFlags.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY
                | NtlmFlags.NTLMSSP_NEGOTIATE_TARGET_INFO | NtlmFlags.NTLMSSP_NEGOTIATE_128;
        ByteBuffer b = ByteBuffer.allocate(48 + targetName.length + targetInfo.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII));
        b.putInt(2);
        b.putShort((short) targetName.length).putShort((short) targetName.length).putInt(48);
        b.putInt(flags);
        b.put(serverChallenge);
        b.putLong(0);
        b.putShort((short) targetInfo.length).putShort((short) targetInfo.length).putInt(48 + targetName.length);
        b.put(targetName);
        b.put(targetInfo);
        return b.array();
    }

    /** AV pairs: NetBIOS domain name (2), NetBIOS computer name (1), end of list. */
    static byte[] targetInfo(String domainName, String computerName) {
        byte[] d = domainName.getBytes(StandardCharsets.UTF_16LE);
        byte[] c = computerName.getBytes(StandardCharsets.UTF_16LE);
        ByteBuffer b = ByteBuffer.allocate(4 + d.length + 4 + c.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 2).putShort((short) d.length).put(d);
        b.putShort((short) 1).putShort((short) c.length).put(c);
        b.putShort((short) 0).putShort((short) 0);
        return b.array();
    }
}
