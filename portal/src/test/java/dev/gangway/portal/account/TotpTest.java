package dev.gangway.portal.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** RFC 6238 appendix B test vectors, and the edges of accepting a code (drift, shape). */
class TotpTest {

    private static final byte[] SHA1_SEED = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHA256_SEED = "12345678901234567890123456789012".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SHA512_SEED = ("1234567890123456789012345678901234567890123456789012345678901234")
            .getBytes(StandardCharsets.US_ASCII);

    @ParameterizedTest(name = "T = {0}")
    @CsvSource({
        "59,          94287082, 46119246, 90693936",
        "1111111109,  07081804, 68084774, 25091201",
        "1111111111,  14050471, 67062674, 99943326",
        "1234567890,  89005924, 91819424, 93441116",
        "2000000000,  69279037, 90698825, 38618901",
        "20000000000, 65353130, 77737706, 47863826",
    })
    void theRfcVectorsOfAppendixB(long seconds, String sha1, String sha256, String sha512) {
        long step = Totp.step(Instant.ofEpochSecond(seconds));
        assertThat(Totp.code("HmacSHA1", SHA1_SEED, step, 8)).isEqualTo(sha1);
        assertThat(Totp.code("HmacSHA256", SHA256_SEED, step, 8)).isEqualTo(sha256);
        assertThat(Totp.code("HmacSHA512", SHA512_SEED, step, 8)).isEqualTo(sha512);
        // what apps show: the same HMAC, 6 digits (the last six of the 8-digit value)
        assertThat(Totp.code(SHA1_SEED, step)).isEqualTo(sha1.substring(2));
    }

    @Test
    void oneStepOfDriftEitherWayIsAcceptedAndNoMore() {
        long step = Totp.step(Instant.ofEpochSecond(1_111_111_111L));
        for (int offset = -1; offset <= 1; offset++) {
            assertThat(Totp.matchingStep(SHA1_SEED, Totp.code(SHA1_SEED, step + offset), step))
                    .isEqualTo(step + offset);
        }
        assertThat(Totp.matchingStep(SHA1_SEED, Totp.code(SHA1_SEED, step + 2), step)).isEqualTo(-1);
        assertThat(Totp.matchingStep(SHA1_SEED, Totp.code(SHA1_SEED, step - 2), step)).isEqualTo(-1);
        assertThat(Totp.matchingStep(SHA1_SEED, "000000".equals(Totp.code(SHA1_SEED, step)) ? "111111" : "000000",
                step)).isEqualTo(-1);
    }

    @Test
    void onlySixAsciiDigitsLookLikeACode() {
        assertThat(Totp.looksLikeCode("123456")).isTrue();
        assertThat(Totp.looksLikeCode("12345")).isFalse();
        assertThat(Totp.looksLikeCode("1234567")).isFalse();
        assertThat(Totp.looksLikeCode("12345a")).isFalse();
        assertThat(Totp.looksLikeCode("١٢٣٤٥٦")).as("Arabic-Indic digits").isFalse();
        assertThat(Totp.looksLikeCode("<scri")).isFalse();
    }

    @Test
    void base32AsInRfc4648AndAsAppsTypeIt() {
        assertThat(Base32.encode("foobar".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MZXW6YTBOI");
        assertThat(Base32.decode("mzxw 6ytb oi======")).isEqualTo("foobar".getBytes(StandardCharsets.US_ASCII));
        byte[] secret = Tokens.randomBytes(20);
        String encoded = Base32.encode(secret);
        assertThat(encoded).hasSize(32).matches("[A-Z2-7]+");
        assertThat(Base32.decode(TwoFactor.grouped(encoded))).isEqualTo(secret);
        assertThatThrownBy(() -> Base32.decode("ABC1")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theOtpauthUriNamesIssuerAndUserAndCarriesTheSecret() {
        String uri = TwoFactor.otpauthUri("acme & co", "anna", "JBSWY3DPEHPK3PXP");
        assertThat(uri).startsWith("otpauth://totp/Gangway%3Aacme%20%26%20co%2Fanna?secret=JBSWY3DPEHPK3PXP")
                .contains("issuer=Gangway", "algorithm=SHA1", "digits=6", "period=30");
    }
}
