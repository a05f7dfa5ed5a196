package dev.gangway.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import jcifs.ntlmssp.NtlmFlags;
import jcifs.ntlmssp.Type1Message;
import jcifs.ntlmssp.Type3Message;
import jcifs.smb.NtlmUtil;
import jcifs.util.Crypto;
import org.junit.jupiter.api.Test;

/**
 * NTLMv2 against the published test vectors of [MS-NLMP] section 4.2.4 (user "User", domain "Domain", password
 * "Password", server challenge 0123456789abcdef, client challenge aa..aa, time 0, AV pairs NetBIOS domain "Domain" and
 * NetBIOS server "Server"), computed with the jcifs functions {@link Ntlm} uses.
 */
class NtlmTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] SERVER_CHALLENGE = HEX.parseHex("0123456789abcdef");
    private static final byte[] CLIENT_CHALLENGE = HEX.parseHex("aaaaaaaaaaaaaaaa");
    /** 4.2.4: MsvAvNbDomainName "Domain", MsvAvNbComputerName "Server", MsvAvEOL. */
    private static final byte[] TARGET_INFO = NtlmServer.targetInfo("Domain", "Server");
    /** 4.2.4.1.1 NTOWFv2("Password", "User", "Domain"). */
    private static final String RESPONSE_KEY_NT = "0c868a403bfd7a93a3001ef22ef02e3f";
    /** 4.2.4.2.2: the NTProofStr that starts the NTLMv2 response. */
    private static final String NT_PROOF_STR = "68cd0ab851e51c96aabc927bebef6a1c";
    /** 4.2.4.1.2 session base key. */
    private static final String SESSION_BASE_KEY = "8de40ccadbc14a82f15cb0ad0de95ca3";
    /** 4.2.4.2.1 LMv2 response. */
    private static final String LMV2_RESPONSE = "86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa";
    /** 4.2.4.1.3 temp: the NTLMv2_CLIENT_CHALLENGE after the proof (header, time 0, client challenge, AV pairs). */
    private static final String CLIENT_BLOB = "0101000000000000" + "0000000000000000" + "aaaaaaaaaaaaaaaa" + "00000000"
            + "02000c0044006f006d00610069006e00" + "01000c005300650072007600650072000000" + "0000" + "00000000";

    @Test
    void targetInfoIsTheSpecsAvPairs() {
        assertThat(HEX.formatHex(TARGET_INFO)).isEqualTo(
                "02000c0044006f006d00610069006e0001000c005300650072007600650072000000" + "0000");
    }

    @Test
    void ntowfV2MatchesTheSpec() {
        assertThat(HEX.formatHex(NtlmUtil.nTOWFv2("Domain", "User", "Password"))).isEqualTo(RESPONSE_KEY_NT);
    }

    @Test
    void ntlmV2ResponseProofAndSessionKeyMatchTheSpec() {
        byte[] key = NtlmUtil.nTOWFv2("Domain", "User", "Password");
        byte[] response = NtlmUtil.getNTLMv2Response(key, SERVER_CHALLENGE, CLIENT_CHALLENGE, 0L, TARGET_INFO);

        byte[] proof = Arrays.copyOf(response, 16);
        assertThat(HEX.formatHex(proof)).isEqualTo(NT_PROOF_STR);
        assertThat(HEX.formatHex(Arrays.copyOfRange(response, 16, response.length))).isEqualTo(CLIENT_BLOB);

        MessageDigest hmac = Crypto.getHMACT64(key);
        hmac.update(proof);
        assertThat(HEX.formatHex(hmac.digest())).isEqualTo(SESSION_BASE_KEY);
    }

    @Test
    void lmV2ResponseMatchesTheSpec() {
        byte[] key = NtlmUtil.nTOWFv2("Domain", "User", "Password");
        assertThat(HEX.formatHex(NtlmUtil.getLMv2Response(key, SERVER_CHALLENGE, CLIENT_CHALLENGE)))
                .isEqualTo(LMV2_RESPONSE);
    }

    @Test
    void theAuthenticateMessageCarriesTheSpecsNtlmV2Response() throws IOException {
        byte[] challenge = NtlmServer.challengeMessage(SERVER_CHALLENGE, TARGET_INFO);
        byte[] message = Ntlm.authenticate(challenge, "Domain", "User", "Password", "COMPUTER", CLIENT_CHALLENGE, 0L);

        Type3Message type3 = new Type3Message(message);
        assertThat(HEX.formatHex(type3.getNTResponse())).isEqualTo(NT_PROOF_STR + CLIENT_BLOB);
        // no timestamp from the server: the LM slot carries LMv2, never an LM or NTLMv1 response
        assertThat(HEX.formatHex(type3.getLMResponse())).isEqualTo(LMV2_RESPONSE);
        assertThat(type3.getDomain()).isEqualTo("Domain");
        assertThat(type3.getUser()).isEqualTo("User");
        assertThat(type3.getWorkstation()).isEqualTo("COMPUTER");
        assertThat(type3.getFlags() & NtlmFlags.NTLMSSP_NEGOTIATE_UNICODE).isNotZero();
    }

    @Test
    void aServerTimestampIsUsedAndTheLmSlotIsEmpty() throws IOException {
        // MsvAvTimestamp (7) before the end of the list
        byte[] withTime = HEX.parseHex("02000c0044006f006d00610069006e00" + "07000800" + "0102030405060708"
                + "00000000");
        byte[] message = Ntlm.authenticate(NtlmServer.challengeMessage(SERVER_CHALLENGE, withTime), "Domain",
                "User", "Password", "", CLIENT_CHALLENGE, 0L);
        Type3Message type3 = new Type3Message(message);
        assertThat(type3.getLMResponse()).containsOnly(0).hasSize(24);
        assertThat(HEX.formatHex(Arrays.copyOfRange(type3.getNTResponse(), 24, 32))).isEqualTo("0102030405060708");
    }

    @Test
    void theNegotiateMessageParses() throws IOException {
        Type1Message type1 = new Type1Message(Ntlm.negotiate());
        assertThat(type1.getFlags()).isEqualTo(Ntlm.NEGOTIATE_FLAGS);
        assertThat(type1.getFlags() & NtlmFlags.NTLMSSP_NEGOTIATE_LM_KEY).isZero();
    }

    @Test
    void somethingElseThanAChallengeIsRefused() {
        assertThatThrownBy(() -> Ntlm.authenticate(Ntlm.negotiate(), "D", "u", "p", ""))
                .isInstanceOf(IOException.class).hasMessageContaining("not a challenge");
    }
}
