package dev.gangway.portal.desktop.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gangway.portal.desktop.DesktopConverter;
import dev.gangway.portal.desktop.DesktopRequest;
import dev.gangway.portal.desktop.DesktopSession;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

/** Which converter shows a kind of desktop, as the settings say, and why none can. */
class DesktopConvertersTest {

    private static DesktopSettings settings(String guacdHost, String vnc, String rdp) {
        return new DesktopSettings(new DesktopSettings.Guacd(guacdHost, 4822), vnc, rdp, Duration.ofSeconds(30), 8, 10, 100,
                4 * 1024 * 1024, Duration.ofSeconds(20));
    }

    private static DesktopConverter converter(String name, Set<String> kinds, String unavailable) {
        return new DesktopConverter() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public boolean handles(String kind) {
                return kinds.contains(kind);
            }

            @Override
            public String unavailableReason() {
                return unavailable;
            }

            @Override
            public DesktopSession open(DesktopRequest request) {
                throw new UnsupportedOperationException();
            }
        };
    }

    private static DesktopConverters converters(DesktopSettings settings, DesktopConverter... all) {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        for (DesktopConverter converter : all) {
            beans.registerSingleton(converter.name(), converter);
        }
        return new DesktopConverters(beans.getBeanProvider(DesktopConverter.class), settings);
    }

    private final DesktopConverter vnc = converter("embedded-vnc", Set.of("vnc"), null);
    private final DesktopConverter rdp = converter("embedded-rdp", Set.of("rdp"),
            "RDP needs FreeRDP's xfreerdp on the portal host; xfreerdp is not installed");
    private final DesktopConverter guacd = converter("guacd", Set.of("vnc", "rdp"), null);

    @Test
    void theEmbeddedConvertersByDefault() {
        DesktopConverters chosen = converters(settings(null, null, null), vnc, rdp, guacd);
        assertThat(chosen.choose("vnc").converter()).isSameAs(vnc);
        assertThat(chosen.choose("rdp").converter()).isNull();
        assertThat(chosen.choose("rdp").unavailableReason()).contains("xfreerdp is not installed");
        assertThat(chosen.choose("http").unavailableReason()).contains("not shown as desktops");
    }

    @Test
    void guacdForBothWhenItsHostIsSetUnlessAConverterIsNamed() {
        assertThat(converters(settings("guacd", null, null), vnc, rdp, guacd).choose("vnc").converter())
                .isSameAs(guacd);
        assertThat(converters(settings("guacd", null, null), vnc, rdp, guacd).choose("rdp").converter())
                .isSameAs(guacd);
        assertThat(converters(settings("guacd", "embedded-vnc", " "), vnc, rdp, guacd).choose("vnc").converter())
                .isSameAs(vnc);
    }

    @Test
    void aMissingConverterIsSaidWithWhatThereIs() {
        assertThat(converters(settings(null, null, null), vnc).choose("rdp").unavailableReason())
                .isEqualTo("the portal has no converter 'embedded-rdp' for RDP desktops"
                        + " (gangway.desktop.rdp-converter; available: embedded-vnc)");
    }

    @Test
    void badSettingsNameTheProperty() {
        assertThatThrownBy(() -> new DesktopSettings.Guacd("g", 0))
                .hasMessageStartingWith("gangway.desktop.guacd.port");
        assertThatThrownBy(() -> new DesktopSettings(null, null, null, Duration.ZERO, 8, 10, 100, 1 << 22,
                Duration.ofSeconds(20))).hasMessageStartingWith("gangway.desktop.open-timeout");
        assertThatThrownBy(() -> new DesktopSettings(null, null, null, Duration.ofSeconds(1), 0, 10, 100, 1 << 22,
                Duration.ofSeconds(20))).hasMessageStartingWith("gangway.desktop.max-sessions-per-user");
        assertThatThrownBy(() -> new DesktopSettings(null, null, null, Duration.ofSeconds(1), 8, 10, 100, 1000,
                Duration.ofSeconds(20))).hasMessageStartingWith("gangway.desktop.send-buffer-bytes");
    }
}
