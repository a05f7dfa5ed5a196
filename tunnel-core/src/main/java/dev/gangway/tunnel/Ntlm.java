package dev.gangway.tunnel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.time.Instant;
import jcifs.CIFSException;
import jcifs.ntlmssp.NtlmFlags;
import jcifs.ntlmssp.Type2Message;
import jcifs.ntlmssp.Type3Message;
import jcifs.ntlmssp.av.AvPair;
import jcifs.ntlmssp.av.AvPairs;
import jcifs.ntlmssp.av.AvTimestamp;
import jcifs.smb.NtlmUtil;

/**
 * The client side of NTLM authentication for an HTTP proxy, NTLMv2 only (never LM or NTLMv1, whatever the proxy
 * offers). Message parsing and encoding and the NTLMv2 crypto (NTOWFv2, NTProofStr, LMv2) come from jcifs
 * ({@code org.codelibs:jcifs}); this class only decides what goes in the messages. No session security (signing,
 * sealing) is negotiated: the proxy only authenticates the CONNECT, TLS protects the tunnel. Stateless; thread-safe.
 */
final class Ntlm {

    /** What the client asks for: Unicode, NTLM, the target info (needed for NTLMv2), extended session security. */
    static final int NEGOTIATE_FLAGS = NtlmFlags.NTLMSSP_NEGOTIATE_UNICODE | NtlmFlags.NTLMSSP_NEGOTIATE_OEM
            | NtlmFlags.NTLMSSP_REQUEST_TARGET | NtlmFlags.NTLMSSP_NEGOTIATE_NTLM
            | NtlmFlags.NTLMSSP_NEGOTIATE_ALWAYS_SIGN | NtlmFlags.NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY
            | NtlmFlags.NTLMSSP_NEGOTIATE_TARGET_INFO | NtlmFlags.NTLMSSP_NEGOTIATE_128;

    /** Windows FILETIME (100 ns since 1601-01-01) of the Unix epoch. */
    private static final long FILETIME_EPOCH_OFFSET = 116_444_736_000_000_000L;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Ntlm() {
    }

    /** The NEGOTIATE_MESSAGE (type 1): no domain or workstation in it, they go in the AUTHENTICATE_MESSAGE. */
    static byte[] negotiate() {
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0});
        b.putInt(1);
        b.putInt(NEGOTIATE_FLAGS);
        b.putShort((short) 0).putShort((short) 0).putInt(32); // domain: empty
        b.putShort((short) 0).putShort((short) 0).putInt(32); // workstation: empty
        return b.array();
    }

    /**
     * The AUTHENTICATE_MESSAGE (type 3) answering the proxy's CHALLENGE_MESSAGE with an NTLMv2 response.
     *
     * @throws IOException the challenge is not an NTLM CHALLENGE_MESSAGE
     */
    static byte[] authenticate(byte[] challenge, String domain, String user, String password, String workstation)
            throws IOException {
        byte[] clientChallenge = new byte[8];
        RANDOM.nextBytes(clientChallenge);
        return authenticate(challenge, domain, user, password, workstation, clientChallenge,
                filetime(Instant.now()));
    }

    /** As {@link #authenticate(byte[], String, String, String, String)} with a given client challenge and time. */
    static byte[] authenticate(byte[] challenge, String domain, String user, String password, String workstation,
            byte[] clientChallenge, long filetimeNow) throws IOException {
        Type2Message type2 = parseChallenge(challenge);
        byte[] targetInfo = type2.getTargetInformation();
        long timestamp = filetimeNow;
        boolean serverTime = false;
        if (targetInfo != null) {
            try {
                var pairs = AvPairs.decode(targetInfo);
                AvPair time = AvPairs.get(pairs, AvPair.MsvAvTimestamp);
                if (time instanceof AvTimestamp t) {
                    timestamp = t.getTimestamp();
                    serverTime = true;
                }
            } catch (CIFSException e) {
                throw new IOException("the proxy's NTLM challenge has a malformed target information block", e);
            }
        } else {
            targetInfo = new byte[0];
        }
        byte[] responseKeyNT = NtlmUtil.nTOWFv2(domain, user, password);
        byte[] nt = NtlmUtil.getNTLMv2Response(responseKeyNT, type2.getChallenge(), clientChallenge, timestamp,
                targetInfo);
        // MS-NLMP 3.1.5.1.2: with a server timestamp the LM response is Z(24); otherwise LMv2 (never LM).
        byte[] lm = serverTime ? new byte[24]
                : NtlmUtil.getLMv2Response(responseKeyNT, type2.getChallenge(), clientChallenge);
        int flags = (type2.getFlags() & NEGOTIATE_FLAGS) | NtlmFlags.NTLMSSP_NEGOTIATE_NTLM;
        if ((flags & NtlmFlags.NTLMSSP_NEGOTIATE_UNICODE) == 0) {
            flags |= NtlmFlags.NTLMSSP_NEGOTIATE_OEM;
        }
        if (type2.getTargetInformation() != null) {
            flags |= NtlmFlags.NTLMSSP_NEGOTIATE_TARGET_INFO;
        }
        Type3Message type3 = new Type3Message(flags, lm, nt, domain, user, workstation);
        return type3.toByteArray();
    }

    /** Parses a CHALLENGE_MESSAGE. */
    static Type2Message parseChallenge(byte[] challenge) throws IOException {
        if (challenge.length < 32 || challenge[8] != 2) {
            throw new IOException("the proxy's NTLM answer is not a challenge message");
        }
        try {
            return new Type2Message(challenge);
        } catch (RuntimeException e) {
            throw new IOException("the proxy's NTLM challenge is malformed", e);
        }
    }

    /** Windows FILETIME of an instant. */
    static long filetime(Instant instant) {
        return FILETIME_EPOCH_OFFSET + instant.getEpochSecond() * 10_000_000L + instant.getNano() / 100;
    }
}
