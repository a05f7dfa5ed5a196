package dev.gangway.agent.ondemand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gangway.agent.TestCa;
import dev.gangway.agent.sms.SmsMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which wake-up SMS count: signed by the device's portal CA, for this device, fresh, newer than the last, allowed sender. */
class WakeVerifierTest {

    static final String DEVICE = "dev-7f3a";
    static final String PORTAL = "+41790000000";
    static final Instant NOW = Instant.parse("2026-11-26T08:00:00Z");

    @TempDir
    Path dir;

    TestCa ca;
    LastWake lastWake;
    WakeVerifier verifier;

    @BeforeEach
    void setUp() throws Exception {
        ca = TestCa.create("portal CA");
        lastWake = LastWake.nextTo(dir.resolve("identity"));
        verifier = verifier(List.of(PORTAL), NOW);
    }

    private WakeVerifier verifier(List<String> allowed, Instant now) {
        return new WakeVerifier(DEVICE, List.of(ca.certificate()), allowed, lastWake, Clock.fixed(now, ZoneOffset.UTC));
    }

    /** The text the portal sends: GANGWAY WAKE t base64url(signStatement("wake-v1", "<device> <t>")). */
    static String wakeText(PrivateKey caKey, String device, long t) throws Exception {
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(caKey);
        signer.update(("gangway-wake-v1\n" + device + " " + t).getBytes(StandardCharsets.UTF_8));
        return "GANGWAY WAKE " + t + " " + Base64.getUrlEncoder().withoutPadding().encodeToString(signer.sign());
    }

    private static SmsMessage sms(String sender, String text) {
        return new SmsMessage(sender, NOW, text, "IN20261126_080000_00_" + sender + "_00.txt");
    }

    @Test
    void aFreshWakeSignedForThisDeviceCountsAndItsTimeIsWrittenDown() throws Exception {
        long t = NOW.getEpochSecond() - 5;
        WakeMessage wake = verifier.verify(sms(PORTAL, wakeText(ca.keys().getPrivate(), DEVICE, t) + "\n"));

        assertThat(wake.at()).isEqualTo(t);
        assertThat(lastWake.file()).isEqualTo(dir.resolve("identity.last-wake"));
        assertThat(Files.readString(lastWake.file())).isEqualTo(t + "\n");
    }

    @Test
    void aSignatureByAnotherKeyIsRefused() throws Exception {
        TestCa other = TestCa.create("another portal");
        String text = wakeText(other.keys().getPrivate(), DEVICE, NOW.getEpochSecond());

        assertThatThrownBy(() -> verifier.verify(sms(PORTAL, text))).isInstanceOf(WakeRefusedException.class)
                .hasMessage("its signature does not match: it was not signed by this device's portal for this device"
                        + " (dev-7f3a)");
        assertThat(lastWake.file()).doesNotExist();
    }

    @Test
    void aWakeForAnotherDeviceIsRefused() throws Exception {
        String text = wakeText(ca.keys().getPrivate(), "dev-other", NOW.getEpochSecond());

        assertThatThrownBy(() -> verifier.verify(sms(PORTAL, text))).isInstanceOf(WakeRefusedException.class)
                .hasMessageStartingWith("its signature does not match");
    }

    @Test
    void aTamperedTimeIsRefused() throws Exception {
        String text = wakeText(ca.keys().getPrivate(), DEVICE, NOW.getEpochSecond())
                .replace(" " + NOW.getEpochSecond() + " ", " " + (NOW.getEpochSecond() + 1) + " ");

        assertThatThrownBy(() -> verifier.verify(sms(PORTAL, text))).hasMessageStartingWith("its signature does not match");
    }

    @Test
    void aWakeOlderOrNewerThanTenMinutesIsRefused() throws Exception {
        long old = NOW.getEpochSecond() - 601;
        assertThatThrownBy(() -> verifier.verify(sms(PORTAL, wakeText(ca.keys().getPrivate(), DEVICE, old))))
                .isInstanceOf(WakeRefusedException.class)
                .hasMessage("it is dated 601 s ago, more than the 600 s allowed (it took too long to arrive, or it is"
                        + " an old message sent again)");
        long ahead = NOW.getEpochSecond() + 601;
        assertThatThrownBy(() -> verifier.verify(sms(PORTAL, wakeText(ca.keys().getPrivate(), DEVICE, ahead))))
                .hasMessage("it is dated 601 s ahead, more than the 600 s allowed (check this device's clock)");
        assertThat(verifier.verify(sms(PORTAL, wakeText(ca.keys().getPrivate(), DEVICE, NOW.getEpochSecond() - 600)))
                .at()).isEqualTo(NOW.getEpochSecond() - 600);
    }

    @Test
    void aReplayIsRefusedAlsoAfterARestart() throws Exception {
        String first = wakeText(ca.keys().getPrivate(), DEVICE, NOW.getEpochSecond() - 10);
        String earlier = wakeText(ca.keys().getPrivate(), DEVICE, NOW.getEpochSecond() - 20);
        verifier.verify(sms(PORTAL, first));

        assertThatThrownBy(() -> verifier.verify(sms(PORTAL, first))).isInstanceOf(WakeRefusedException.class)
                .hasMessage("it is not newer than the last wake-up accepted (time " + (NOW.getEpochSecond() - 10)
                        + "): a message sent again, or an older one arriving late");
        assertThatThrownBy(() -> verifier.verify(sms(PORTAL, earlier))).isInstanceOf(WakeRefusedException.class);

        lastWake = LastWake.nextTo(dir.resolve("identity")); // the agent restarts
        WakeVerifier restarted = verifier(List.of(PORTAL), NOW.plusSeconds(30));
        assertThatThrownBy(() -> restarted.verify(sms(PORTAL, first))).isInstanceOf(WakeRefusedException.class);
        assertThat(restarted.verify(sms(PORTAL, wakeText(ca.keys().getPrivate(), DEVICE, NOW.getEpochSecond() + 30)))
                .at()).isEqualTo(NOW.getEpochSecond() + 30);
    }

    @Test
    void aSenderNotAllowedIsRefusedAndAnyIsAllowedWithoutAList() throws Exception {
        String text = wakeText(ca.keys().getPrivate(), DEVICE, NOW.getEpochSecond());

        assertThatThrownBy(() -> verifier.verify(sms("+41799999999", text))).isInstanceOf(WakeRefusedException.class)
                .hasMessage("the sender +41799999999 is not in sms.allowed-senders");
        assertThat(verifier.verify(sms("0041790000000", text)).at()).isEqualTo(NOW.getEpochSecond());
        assertThat(verifier(List.of(), NOW).verify(sms("+41799999999",
                wakeText(ca.keys().getPrivate(), DEVICE, NOW.getEpochSecond() + 1))).at())
                .isEqualTo(NOW.getEpochSecond() + 1);
    }

    @Test
    void malformedTextsAreRefusedInPlainWords() {
        assertThat(WakeMessage.isWake("gangway wake 1 2")).isTrue();
        assertThat(WakeMessage.isWake("GANGWAY KEY abc http://portal")).isFalse();
        assertThat(WakeMessage.isWake("GANGWAY WAKEUP")).isFalse();
        assertThatThrownBy(() -> verifier.verify(sms(PORTAL, "GANGWAY WAKE"))).isInstanceOf(WakeRefusedException.class)
                .hasMessage("it is not 'GANGWAY WAKE <time> <signature>'");
        assertThatThrownBy(() -> verifier.verify(sms(PORTAL, "GANGWAY WAKE soon AAAAAAAAAAAAAAAAAAAAAAAA")))
                .hasMessage("its time is not a number of seconds");
        assertThatThrownBy(() -> verifier.verify(sms(PORTAL, "GANGWAY WAKE 1764144000 not/base64+url!!!!!!")))
                .hasMessage("its signature is not base64url");
        assertThatThrownBy(() -> verifier.verify(sms(PORTAL, "GANGWAY WAKE 1764144000 " + "A".repeat(300))))
                .hasMessage("its signature is not base64url");
        assertThatThrownBy(() -> verifier.verify(sms(PORTAL, "GANGWAY WAKE 1764144000 " + "A".repeat(40))))
                .hasMessageStartingWith("its signature does not match");
    }

    @Test
    void anUnreadableLastWakeFileCountsAsNoWakeYet() throws Exception {
        Files.writeString(dir.resolve("identity.last-wake"), "garbage\n");
        lastWake = LastWake.nextTo(dir.resolve("identity"));
        assertThat(lastWake.last()).isZero();
        assertThat(verifier(List.of(), NOW).verify(sms(PORTAL, wakeText(ca.keys().getPrivate(), DEVICE,
                NOW.getEpochSecond()))).at()).isEqualTo(NOW.getEpochSecond());
        assertThat(Files.readString(dir.resolve("identity.last-wake"))).isEqualTo(NOW.getEpochSecond() + "\n");
    }
}
