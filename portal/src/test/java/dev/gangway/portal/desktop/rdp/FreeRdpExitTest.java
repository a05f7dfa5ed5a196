package dev.gangway.portal.desktop.rdp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.portal.desktop.DesktopEnd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FreeRDP's exit codes and log names become sentences; the private Xvnc's files have the formats they need. */
class FreeRdpExitTest {

    @Test
    void exitCodesInWords() {
        assertThat(FreeRdpExit.describe(154, "", false)).isEqualTo(new DesktopEnd(
                GuacamoleStatus.CLIENT_UNAUTHORIZED, "the RDP server refused the user name or password"));
        assertThat(FreeRdpExit.describe(132, "", false)).isEqualTo(FreeRdpExit.refusedCredentials());
        assertThat(FreeRdpExit.describe(134, "", false)).isEqualTo(FreeRdpExit.refusedCredentials());
        assertThat(FreeRdpExit.describe(131, "", false)).isEqualTo(new DesktopEnd(
                GuacamoleStatus.UPSTREAM_UNAVAILABLE, "could not connect to the RDP server"));
        assertThat(FreeRdpExit.describe(147, "", false)).isEqualTo(FreeRdpExit.unreachable());
        assertThat(FreeRdpExit.describe(135, "", false).message()).isEqualTo("the RDP account is locked out");
        assertThat(FreeRdpExit.describe(148, "", false).message())
                .isEqualTo("the RDP password has expired: change it on the remote computer first");
        assertThat(FreeRdpExit.describe(5, "", false).status()).isEqualTo(GuacamoleStatus.SESSION_CONFLICT);
        assertThat(FreeRdpExit.describe(12, "", false)).isEqualTo(new DesktopEnd(GuacamoleStatus.SUCCESS,
                "the remote computer ended the RDP session"));
        assertThat(FreeRdpExit.describe(20, "", false).message())
                .isEqualTo("the RDP server has a licensing problem (FreeRDP exit code 20)");
        assertThat(FreeRdpExit.describe(200, "", false).message()).isEqualTo("FreeRDP ended with exit code 200");
    }

    @Test
    void logNamesWinAndAnEarlyLogoffIsARefusedLogon() {
        assertThat(FreeRdpExit.describe(131, "[ERROR][com.freerdp.core] - ERRCONNECT_LOGON_FAILURE [0x00020014]",
                false)).isEqualTo(FreeRdpExit.refusedCredentials());
        assertThat(FreeRdpExit.describe(12, "ERRINFO_LOGOFF_BY_USER", true)).isEqualTo(new DesktopEnd(
                GuacamoleStatus.CLIENT_UNAUTHORIZED,
                "the RDP server ended the connection during logon: check the RDP user name and password"));
        assertThat(FreeRdpExit.describe(12, "ERRINFO_LOGOFF_BY_USER", false).status())
                .isEqualTo(GuacamoleStatus.SUCCESS);
    }

    @Test
    void privateFilesAreOwnerOnly(@TempDir Path dir) throws Exception {
        Path file = PrivateXvnc.writePrivate(dir.resolve("f"), new byte[] {1, 2});
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        byte[] entry = PrivateXvnc.authorityEntry(123, new byte[16]);
        // family wild, empty address, "123", "MIT-MAGIC-COOKIE-1", 16 bytes
        assertThat(entry).hasSize(2 + 2 + 2 + 3 + 2 + 18 + 2 + 16);
        assertThat(entry[0]).isEqualTo((byte) 0xFF);
        assertThat(new String(entry, 6, 3, StandardCharsets.US_ASCII)).isEqualTo("123");
    }
}
