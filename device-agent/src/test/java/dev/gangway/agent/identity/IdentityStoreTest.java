package dev.gangway.agent.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gangway.agent.TestCa;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdentityStoreTest {

    @TempDir
    Path dir;

    TestCa ca;

    @BeforeEach
    void ca() throws Exception {
        ca = TestCa.create("test CA");
    }

    private DeviceCredentials credentials(String deviceId) throws Exception {
        KeyPair keys = TestCa.ecKeys();
        return new DeviceCredentials(keys.getPrivate(), ca.issueDevice(keys.getPublic(), deviceId, "SN-1"),
                List.of(ca.certificate()),
                new DeviceRecord(deviceId, "Press 4", "http://127.0.0.1:8080", "localhost", 8443, "SN-1",
                        "2026-01-01T00:00:00Z"));
    }

    @Test
    void writesOwnerOnlyFilesAndReadsThemBack() throws Exception {
        IdentityStore store = new IdentityStore(dir.resolve("identity"));
        DeviceCredentials written = credentials("dev-1");
        try (IdentityStore.Staging staging = store.prepare(false)) {
            staging.commit(written);
        }
        Path identity = dir.resolve("identity");
        assertThat(Files.getPosixFilePermissions(identity)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        for (String name : IdentityStore.FILES) {
            assertThat(Files.getPosixFilePermissions(identity.resolve(name)))
                    .as(name).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }
        assertThat(Files.readString(identity.resolve("device-key.pem"))).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(Files.readString(identity.resolve("device.json")))
                .contains("\"deviceId\"", "\"deviceName\"", "\"portal\"", "\"relayHost\"", "\"relayPort\"",
                        "\"serial\"", "\"registeredAt\"");
        assertThat(leftovers()).isEmpty();

        DeviceCredentials read = store.load();
        assertThat(read.key().getEncoded()).isEqualTo(written.key().getEncoded());
        assertThat(read.certificate()).isEqualTo(written.certificate());
        assertThat(read.trustedCas()).containsExactly(ca.certificate());
        assertThat(read.device()).isEqualTo(written.device());
    }

    @Test
    void aFailureHalfwayLeavesNothingBehind() throws Exception {
        IdentityStore store = new IdentityStore(dir.resolve("identity"));
        AtomicInteger files = new AtomicInteger();
        assertThatThrownBy(() -> {
            try (IdentityStore.Staging staging = store.prepare(false)) {
                staging.commit(credentials("dev-1"), (file, content) -> {
                    if (files.incrementAndGet() == 3) {
                        throw new IOException("disk full");
                    }
                    IdentityStore.SYNCED_PRIVATE_FILE.write(file, content);
                });
            }
        }).hasMessage("disk full");
        assertThat(Files.exists(dir.resolve("identity"))).isFalse();
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void aFailedReplacementKeepsTheOldIdentity() throws Exception {
        IdentityStore store = new IdentityStore(dir.resolve("identity"));
        try (IdentityStore.Staging staging = store.prepare(false)) {
            staging.commit(credentials("old"));
        }
        assertThatThrownBy(() -> {
            try (IdentityStore.Staging staging = store.prepare(true)) {
                staging.commit(credentials("new"), (file, content) -> {
                    throw new IOException("disk full");
                });
            }
        }).hasMessage("disk full");
        assertThat(store.load().device().deviceId()).isEqualTo("old");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void replacesWholeWithForce() throws Exception {
        IdentityStore store = new IdentityStore(dir.resolve("identity"));
        try (IdentityStore.Staging staging = store.prepare(false)) {
            staging.commit(credentials("old"));
        }
        try (IdentityStore.Staging staging = store.prepare(true)) {
            staging.commit(credentials("new"));
        }
        assertThat(store.load().device().deviceId()).isEqualTo("new");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void refusesToOverwriteWithoutForce() throws Exception {
        IdentityStore store = new IdentityStore(dir.resolve("identity"));
        try (IdentityStore.Staging staging = store.prepare(false)) {
            staging.commit(credentials("dev-1"));
        }
        assertThatThrownBy(() -> store.prepare(false)).isInstanceOf(IdentityException.class)
                .hasMessageContaining("an identity already exists in " + dir.resolve("identity"))
                .hasMessageContaining("(device Press 4, dev-1)")
                .hasMessageContaining("--force");
        assertThat(leftovers()).isEmpty();
    }

    @Test
    void refusesADirectoryWithOtherFiles() throws Exception {
        Files.createDirectories(dir.resolve("identity"));
        Files.writeString(dir.resolve("identity").resolve("notes.txt"), "mine");
        assertThatThrownBy(() -> new IdentityStore(dir.resolve("identity")).prepare(true))
                .hasMessageContaining("already holds other files");
    }

    @Test
    void loadNamesTheMissingFile() throws Exception {
        IdentityStore store = new IdentityStore(dir.resolve("identity"));
        try (IdentityStore.Staging staging = store.prepare(false)) {
            staging.commit(credentials("dev-1"));
        }
        Files.delete(dir.resolve("identity").resolve("ca.pem"));
        assertThatThrownBy(store::load).isInstanceOf(IdentityException.class)
                .hasMessage("no ca.pem in " + dir.resolve("identity") + " — run 'register' first");
    }

    @Test
    void loadRefusesACertificateOfAnotherKey() throws Exception {
        IdentityStore store = new IdentityStore(dir.resolve("identity"));
        try (IdentityStore.Staging staging = store.prepare(false)) {
            staging.commit(credentials("dev-1"));
        }
        KeyPair other = TestCa.ecKeys();
        Path cert = dir.resolve("identity").resolve("device-cert.pem");
        Files.delete(cert);
        Files.writeString(cert, Pem.certificate(ca.issueDevice(other.getPublic(), "dev-1", "SN-1")));
        assertThatThrownBy(store::load).hasMessageContaining("device-cert.pem in " + dir.resolve("identity")
                + " does not belong to device-key.pem");
    }

    @Test
    void credentialsNeverPrintTheKey() throws Exception {
        assertThat(credentials("dev-1").toString()).isEqualTo("DeviceCredentials[dev-1]");
    }

    private List<Path> leftovers() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".")).toList();
        }
    }
}
