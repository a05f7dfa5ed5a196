package dev.gangway.agent.setup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class ActivationSmsTest {

    @Test
    void readsTheKeyAndThePortal() {
        ActivationSms sms = ActivationSms.parse("GANGWAY KEY ABCD-EFGH-IJKL https://portal.example/").orElseThrow();
        assertThat(sms.activationKey()).isEqualTo("ABCD-EFGH-IJKL");
        assertThat(sms.portal()).hasToString("https://portal.example");
        assertThat(sms.toString()).doesNotContain("ABCD");
    }

    @Test
    void keywordsInAnyCaseAndAnyWhiteSpace() {
        assertThat(ActivationSms.parse("  gangway\tKey\nABCD-EFGH   http://10.0.0.1:8080  ")).hasValueSatisfying(
                sms -> assertThat(sms.portal()).hasToString("http://10.0.0.1:8080"));
    }

    @Test
    void otherTextsAreNotActivations() {
        assertThat(ActivationSms.parse("GANGWAY WAKE 1764144000 abc")).isEmpty();
        assertThat(ActivationSms.parse("Your parcel is on its way")).isEmpty();
        assertThat(ActivationSms.parse("")).isEmpty();
        assertThat(ActivationSms.isActivation("GANGWAYKEY x y")).isFalse();
    }

    @Test
    void aBrokenActivationSaysWhatIsWrong() {
        assertThatThrownBy(() -> ActivationSms.parse("GANGWAY KEY ABCD")).hasMessageContaining("has 3 words");
        assertThatThrownBy(() -> ActivationSms.parse("GANGWAY KEY ABCD https://p.example extra"))
                .hasMessageContaining("has 5 words");
        assertThatThrownBy(() -> ActivationSms.parse("GANGWAY KEY <script> https://p.example"))
                .hasMessage("the activation SMS holds no activation key");
        assertThatThrownBy(() -> ActivationSms.parse("GANGWAY KEY ABCD file:///etc/passwd"))
                .hasMessage("the activation SMS names no portal address");
        assertThatThrownBy(() -> ActivationSms.parse("GANGWAY KEY ABCD https://user@evil.example"))
                .hasMessage("the activation SMS names no portal address");
    }

    @Test
    void samePortalIgnoresCaseDefaultPortsAndTrailingSlashes() {
        assertThat(ActivationSms.samePortal(URI.create("https://Portal.Example"), URI.create("https://portal.example:443/")))
                .isTrue();
        assertThat(ActivationSms.samePortal(URI.create("http://p.example"), URI.create("http://p.example:80"))).isTrue();
        assertThat(ActivationSms.samePortal(URI.create("http://p.example"), URI.create("https://p.example"))).isFalse();
        assertThat(ActivationSms.samePortal(URI.create("http://p.example:8080"), URI.create("http://p.example")))
                .isFalse();
        assertThat(ActivationSms.samePortal(URI.create("https://p.example/gw"), URI.create("https://p.example")))
                .isFalse();
        assertThat(ActivationSms.samePortal(URI.create("https://p.example.evil.example"),
                URI.create("https://p.example"))).isFalse();
    }
}
