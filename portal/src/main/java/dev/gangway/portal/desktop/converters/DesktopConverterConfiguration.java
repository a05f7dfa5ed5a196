package dev.gangway.portal.desktop.converters;

import dev.gangway.portal.desktop.guacd.GuacdConverter;
import dev.gangway.portal.desktop.guacd.GuacdSettings;
import dev.gangway.portal.desktop.rdp.EmbeddedRdpConverter;
import dev.gangway.portal.desktop.rdp.RdpSettings;
import dev.gangway.portal.desktop.vnc.EmbeddedVncConverter;
import dev.gangway.portal.desktop.vnc.VncSettings;
import dev.gangway.portal.system.DataDirectory;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The desktop converters of the portal, as {@link dev.gangway.portal.desktop.DesktopConverter} beans; the desktop
 * tunnel picks one per session by name and service kind ({@code gangway.desktop.*}, docs/desktop.md).
 *
 * <ul>
 *   <li>{@code embedded-vnc}: {@code gangway.desktop.vnc.jpeg-quality} (1-100 where JPEG pays, 0 = PNG only) and
 *       {@code gangway.desktop.vnc.resize} (false: the viewer's "Fit remote" never resizes a VNC server).</li>
 *   <li>{@code embedded-rdp}: {@code gangway.desktop.rdp.xfreerdp}, {@code gangway.desktop.rdp.xvnc} and
 *       {@code gangway.desktop.rdp.bwrap} (empty: found on the PATH), {@code gangway.desktop.rdp.sandbox} (auto,
 *       required, off: xfreerdp in a bubblewrap sandbox); each session's private files live in {@code <data-dir>/desktop-sessions} (0700).</li>
 *   <li>{@code guacd}: {@code gangway.desktop.guacd.host}/{@code port} (no host: unavailable, says so), and where
 *       guacd connects back to for each session's one-shot splice ({@code splice-bind}, {@code splice-host}).</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class DesktopConverterConfiguration {

    @Bean
    EmbeddedVncConverter embeddedVncConverter(@Value("${gangway.desktop.vnc.jpeg-quality:80}") int jpegQuality,
            @Value("${gangway.desktop.vnc.resize:true}") boolean resize) {
        return new EmbeddedVncConverter(VncSettings.defaults().withJpegQuality(jpegQuality).withResize(resize));
    }

    @Bean
    EmbeddedRdpConverter embeddedRdpConverter(EmbeddedVncConverter vnc, DataDirectory dataDirectory,
            @Value("${gangway.desktop.rdp.xfreerdp:}") String xfreerdp,
            @Value("${gangway.desktop.rdp.xvnc:}") String xvnc,
            @Value("${gangway.desktop.rdp.sandbox:auto}") String sandbox,
            @Value("${gangway.desktop.rdp.bwrap:}") String bwrap) {
        RdpSettings settings = RdpSettings.defaults().withWorkDirectory(dataDirectory.directory("desktop-sessions"));
        settings = settings.withSandbox(RdpSettings.Sandbox.parse(sandbox),
                bwrap.isBlank() ? settings.bwrap() : Path.of(bwrap.strip()));
        if (!xfreerdp.isBlank()) {
            settings = settings.withXfreerdp(Path.of(xfreerdp.strip()));
        }
        if (!xvnc.isBlank()) {
            settings = settings.withXvnc(Path.of(xvnc.strip()));
        }
        return new EmbeddedRdpConverter(vnc, settings);
    }

    @Bean
    GuacdConverter guacdConverter(@Value("${gangway.desktop.guacd.host:}") String host,
            @Value("${gangway.desktop.guacd.port:4822}") int port,
            @Value("${gangway.desktop.guacd.splice-bind:127.0.0.1}") String spliceBind,
            @Value("${gangway.desktop.guacd.splice-host:}") String spliceHost) {
        return new GuacdConverter(new GuacdSettings(host, port, spliceBind, spliceHost, Duration.ofSeconds(15)));
    }
}
