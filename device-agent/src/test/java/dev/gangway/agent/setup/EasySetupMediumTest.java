package dev.gangway.agent.setup;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.agent.TestCa;
import dev.gangway.agent.config.EasySetupConfig;
import dev.gangway.tunnel.ProxySettings;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EasySetupMediumTest {

    private static final Instant NOW = Instant.parse("2026-11-26T08:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aDirectoryIsSearchedForTheFileAndAJsonPathIsTheFile() {
        assertThat(new EasySetupMedium(new EasySetupConfig(dir.resolve("stick"))).file())
                .isEqualTo(dir.resolve("stick").resolve("gangway-setup.json"));
        assertThat(new EasySetupMedium(new EasySetupConfig(dir.resolve("setup").resolve("site-7.json"))).file())
                .isEqualTo(dir.resolve("setup").resolve("site-7.json"));
    }

    @Test
    void noFileYetIsNothingToRead() throws Exception {
        EasySetupMedium medium = new EasySetupMedium(new EasySetupConfig(dir.resolve("not-mounted")));
        assertThat(medium.read()).isEmpty();
        Files.createDirectories(medium.file());
        assertThat(medium.read()).as("a directory of that name is no file").isEmpty();
    }

    @Test
    void anOversizedFileIsReadOnlyOneBytePastTheLimit() throws Exception {
        EasySetupMedium medium = new EasySetupMedium(new EasySetupConfig(dir));
        Files.write(medium.file(), new byte[EasySetupFile.MAX_BYTES * 4]);
        assertThat(medium.read()).hasValueSatisfying(bytes -> assertThat(bytes).hasSize(EasySetupFile.MAX_BYTES + 1));
    }

    @Test
    void aMediumThatCannotBeWrittenGivesAWarningNotAFailure() throws Exception {
        TestCa ca = TestCa.create("portal CA");
        Path stick = Files.createDirectories(dir.resolve("stick"));
        EasySetupMedium medium = new EasySetupMedium(new EasySetupConfig(stick));
        Files.write(medium.file(), SetupFiles.file(ca, SetupFiles.payload("https://p.example", NOW.plusSeconds(60))));
        EasySetupFile file = EasySetupFile.verify(medium.read().orElseThrow(), NOW);
        // the stick is pulled before the key could be removed (root may write anywhere, so a read-only mount cannot
        // be had in a unit test; a missing directory fails the same write)
        Files.delete(medium.file());
        Files.delete(stick);

        Optional<String> warning = medium.markUsed(file, "dev-42", "Press 4", NOW);

        assertThat(warning).hasValueSatisfying(w -> assertThat(w).startsWith("could not remove the activation key from "
                + medium.file()).endsWith("the key is used up and cannot register another device, but delete the "
                + "file from the stick or card"));
        assertThat(Files.exists(stick)).isFalse();
    }

    @Test
    void siteSettingsRoundTripAndADamagedFileNamesTheFix() throws Exception {
        ProxySettings proxy = ProxySettings.ntlm(InetSocketAddress.createUnresolved("proxy.example", 8080), "FACTORY",
                "gangway", "pw");
        SiteSettings.saveProxy(dir, proxy, "test", NOW);
        assertThat(SiteSettings.proxy(dir)).contains(proxy);

        Files.writeString(dir.resolve(SiteSettings.FILE), "{\"proxy\":{\"host\":\"x\"}}");
        try {
            SiteSettings.proxy(dir);
            org.junit.jupiter.api.Assertions.fail("a damaged file was read");
        } catch (java.io.IOException e) {
            assertThat(e.getMessage()).startsWith(dir.resolve(SiteSettings.FILE) + " is damaged (")
                    .endsWith("delete it and set proxy: in agent.yml");
        }
        assertThat(SiteSettings.proxy(dir.resolve("elsewhere"))).isEmpty();
    }
}
