package dev.gangway.client.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gangway.client.ClientException;
import dev.gangway.client.ExitCode;
import dev.gangway.client.portal.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The session file: where it is, its permissions, what it holds. */
class SessionStoreTest {

    @TempDir
    Path home;

    private static final Session SESSION = new Session("https://portal.example", "secret-token", "acme", "alice",
            "2026-11-26T12:00:00Z", null);

    @Test
    void defaultPathFollowsXdgThenHome() {
        assertThat(SessionStore.defaultPath(Map.of(), home))
                .isEqualTo(home.resolve(".config/gangway/session.json"));
        assertThat(SessionStore.defaultPath(Map.of("XDG_CONFIG_HOME", "/xdg"), home))
                .isEqualTo(Path.of("/xdg/gangway/session.json"));
        // a relative XDG_CONFIG_HOME is invalid by the spec and ignored
        assertThat(SessionStore.defaultPath(Map.of("XDG_CONFIG_HOME", "rel"), home))
                .isEqualTo(home.resolve(".config/gangway/session.json"));
    }

    @Test
    void savedFileIsOwnerOnlyInAnOwnerOnlyDirectory() throws Exception {
        SessionStore store = new SessionStore(SessionStore.defaultPath(Map.of(), home), true);
        store.save(SESSION);
        Path file = store.file();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
        assertThat(store.read()).contains(SESSION);
        assertThat(store.permissionWarning()).isEmpty();
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("session.json");
        }
    }

    @Test
    void fileHoldsTheContractFields() throws Exception {
        SessionStore store = new SessionStore(home.resolve("s.json"), false);
        store.save(SESSION);
        assertThat(Files.readString(store.file())).isEqualTo("{\"portal\":\"https://portal.example\","
                + "\"token\":\"secret-token\",\"account\":\"acme\",\"user\":\"alice\","
                + "\"expiresAt\":\"2026-11-26T12:00:00Z\"}");
        store.save(SESSION.withPortalCa("/etc/ca.pem"));
        assertThat(store.read().orElseThrow().portalCa()).isEqualTo("/etc/ca.pem");
    }

    @Test
    void widerDefaultDirectoryIsTightenedButAChosenOneIsLeftAlone() throws Exception {
        Path dir = home.resolve(".config/gangway");
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        new SessionStore(dir.resolve("session.json"), true).save(SESSION);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");

        Path mine = home.resolve("shared");
        Files.createDirectories(mine);
        Files.setPosixFilePermissions(mine, PosixFilePermissions.fromString("rwxr-xr-x"));
        SessionStore chosen = new SessionStore(mine.resolve("s.json"), false);
        chosen.save(SESSION);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(mine))).isEqualTo("rwxr-xr-x");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(chosen.file()))).isEqualTo("rw-------");
    }

    @Test
    void replacingKeepsOwnerOnly() throws Exception {
        SessionStore store = new SessionStore(home.resolve("s.json"), false);
        store.save(SESSION);
        Files.setPosixFilePermissions(store.file(), PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(store.permissionWarning()).get().asString().contains("can be read by other users")
                .contains("chmod 600");
        store.save(SESSION);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file()))).isEqualTo("rw-------");
    }

    @Test
    void missingFileIsNoSessionAndDamagedFileSaysSignInAgain() throws Exception {
        SessionStore store = new SessionStore(home.resolve("s.json"), false);
        assertThat(store.read()).isEmpty();
        Files.writeString(store.file(), "{\"portal\":\"x\"");
        assertThatThrownBy(store::read).isInstanceOfSatisfying(ClientException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(ExitCode.NOT_SIGNED_IN);
            assertThat(e.getMessage()).contains("is damaged").contains("gangway login");
        });
        assertThat(store.delete()).isTrue();
        assertThat(store.delete()).isFalse();
    }

    @Test
    void toStringHidesTheToken() {
        assertThat(SESSION.toString()).doesNotContain("secret-token");
    }
}
