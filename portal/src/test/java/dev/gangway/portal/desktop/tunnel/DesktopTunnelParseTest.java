package dev.gangway.portal.desktop.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gangway.portal.account.PortalUser;
import dev.gangway.portal.desktop.web.DesktopMode;
import java.util.List;
import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.junit.jupiter.api.Test;

/** Instructions from the browser, whole or split across WebSocket messages anywhere, and what is refused. */
class DesktopTunnelParseTest {

    private final DesktopTunnel tunnel = new DesktopTunnel("id", new PortalUser("u", "user", "a", "acct"), "d",
            "panel", DesktopMode.CONTROL);

    @Test
    void instructionsSplitAnywhereAreJoined() throws Exception {
        String all = "3.key,5.65507,1.1;4.sync,1.1;9.clipboard,1.0,10.text/plain;4.blob,1.0,2.😀é;";
        for (int split = 0; split <= all.length(); split++) {
            DesktopTunnel fresh = new DesktopTunnel("id", new PortalUser("u", "user", "a", "acct"), "d", "panel",
                    DesktopMode.CONTROL);
            List<GuacamoleInstruction> first = fresh.parse(all.substring(0, split));
            List<GuacamoleInstruction> second = fresh.parse(all.substring(split));
            String joined = String.join("", first.stream().map(Object::toString).toList())
                    + String.join("", second.stream().map(Object::toString).toList());
            assertThat(joined).as("split at " + split).isEqualTo(all);
        }
    }

    @Test
    void garbageAndOverlongInstructionsAreRefused() throws Exception {
        assertThatThrownBy(() -> tunnel.parse("3.key;x.y;")).isInstanceOf(GuacamoleException.class);
        DesktopTunnel other = new DesktopTunnel("id", new PortalUser("u", "user", "a", "acct"), "d", "panel",
                DesktopMode.CONTROL);
        assertThatThrownBy(() -> other.parse("99999.abc")).isInstanceOf(GuacamoleException.class);
        DesktopTunnel third = new DesktopTunnel("id", new PortalUser("u", "user", "a", "acct"), "d", "panel",
                DesktopMode.CONTROL);
        assertThat(third.parse("4.blob,8000." + "A".repeat(7999))).isEmpty();
        assertThatThrownBy(() -> third.parse(",8000." + "A".repeat(8000) + ",")).isInstanceOf(GuacamoleException.class);
    }
}
