package dev.gangway.agent.keyswitch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gangway.agent.config.KeySwitchConfig;
import dev.gangway.agent.config.KeySwitchConfig.StatusOutputConfig;
import dev.gangway.tunnel.TunnelClient.State;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tunnel status output: "down" at start, then each change of up/down once, to a file or a command. */
class StatusOutputTest {

    @TempDir
    Path dir;

    @Test
    void aFileShowsDownThenEveryChangeAndNothingInBetween() throws IOException {
        Path file = dir.resolve("tunnel-status");
        Path log = dir.resolve("writes.log");
        Path recorder = script("record", "#!/bin/sh\necho \"$1\" >> '" + log + "'\n");
        StatusOutput toFile = StatusOutput.start(new StatusOutputConfig(new KeySwitchConfig.FileTarget(file), "up",
                "down"));
        StatusOutput toCommand = StatusOutput.start(new StatusOutputConfig(
                new KeySwitchConfig.CommandTarget(List.of(recorder.toString())), "1", "0"));
        for (State state : List.of(State.CONNECTING, State.BACKOFF, State.CONNECTING, State.CONNECTED,
                State.DISABLED, State.CONNECTING, State.CONNECTED)) {
            toFile.accept(state);
            toCommand.accept(state);
        }
        toCommand.close();
        assertThat(Files.readAllLines(log)).containsExactly("0", "1", "0", "1", "0");
        toFile.close();
        assertThat(Files.readString(file)).isEqualTo("down\n");
        assertThat(dir.toFile().list()).doesNotContain(".tunnel-status.new").allMatch(n -> !n.endsWith(".new"));
    }

    @Test
    void theStateGoesInPlaceOfThePlaceholderOrAtTheEnd() {
        assertThat(StatusOutput.commandFor(List.of("/bin/led", "--state={state}", "-v"), "up"))
                .containsExactly("/bin/led", "--state=up", "-v");
        assertThat(StatusOutput.commandFor(List.of("/bin/led", "--green"), "down"))
                .containsExactly("/bin/led", "--green", "down");
    }

    private Path script(String name, String text) throws IOException {
        Path file = Files.writeString(dir.resolve(name), text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
