package dev.gangway.agent.keyswitch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading the key switch: values, inverted inputs, commands, and what an input that gives no reading means. */
class KeySwitchTest {

    @TempDir
    Path dir;

    final List<Boolean> changes = new ArrayList<>();

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            1         | ON
            0         | OFF
            ' on\\n'  | ON
            OFF       | OFF
            True      | ON
            false     | OFF
            """)
    void aValueFileHoldsOneOrZeroOnOrOffTrueOrFalse(String content, SwitchReading.Value expected) throws IOException {
        Path file = Files.writeString(dir.resolve("value"), content.replace("\\n", "\n"));
        assertThat(new FileSwitchInput(file).read().value()).isEqualTo(expected);
    }

    @Test
    void anythingElseIsNoReadingWithTheReason() throws IOException {
        Path file = dir.resolve("value");
        assertThat(new FileSwitchInput(file).read().problem()).isEqualTo("the file " + file + " does not exist");
        Files.writeString(file, "maybe\n");
        assertThat(new FileSwitchInput(file).read().problem())
                .isEqualTo(file + " holds 'maybe', not 1 or 0 (on/off, true/false)");
        Files.writeString(file, "");
        assertThat(new FileSwitchInput(file).read().problem()).isEqualTo(file + " holds nothing, not 1 or 0 (on/off,"
                + " true/false)");
        Files.writeString(file, "1".repeat(100));
        assertThat(new FileSwitchInput(file).read().known()).isFalse();
    }

    @Test
    void invertTurnsAnActiveLowInputAround() throws IOException {
        Path file = Files.writeString(dir.resolve("value"), "0\n");
        KeySwitch keySwitch = new KeySwitch(new FileSwitchInput(file), true, Duration.ofSeconds(1), false);
        assertThat(keySwitch.readInitial()).isTrue();
        Files.writeString(file, "1\n");
        keySwitch.pollOnce(changes::add);
        assertThat(changes).containsExactly(false);
    }

    @Test
    void aMissingInputCountsAsMissingOnlyOnceTheNextPollConfirmsIt() throws IOException {
        Path file = Files.writeString(dir.resolve("value"), "1\n");
        KeySwitch keySwitch = new KeySwitch(new FileSwitchInput(file), false, Duration.ofSeconds(1), false);
        assertThat(keySwitch.readInitial()).isTrue();

        Files.writeString(file, ""); // caught half-written: no change yet
        keySwitch.pollOnce(changes::add);
        assertThat(changes).isEmpty();
        Files.writeString(file, "1\n");
        keySwitch.pollOnce(changes::add);
        assertThat(changes).isEmpty();

        Files.delete(file);
        keySwitch.pollOnce(changes::add);
        keySwitch.pollOnce(changes::add);
        assertThat(changes).containsExactly(false);
        assertThat(keySwitch.isOn()).isFalse();
    }

    @Test
    void atStartAMissingInputCountsAtOnceAsConfigured() {
        Path file = dir.resolve("not-exported-yet");
        assertThat(new KeySwitch(new FileSwitchInput(file), false, Duration.ofSeconds(1), false).readInitial())
                .isFalse();
        assertThat(new KeySwitch(new FileSwitchInput(file), false, Duration.ofSeconds(1), true).readInitial())
                .isTrue();
        // invert applies to readings, never to a missing input
        assertThat(new KeySwitch(new FileSwitchInput(file), true, Duration.ofSeconds(1), false).readInitial())
                .isFalse();
    }

    @Test
    void aCommandSaysOnWithExitCodeZero() throws IOException {
        Path flag = dir.resolve("on");
        Path script = Files.writeString(dir.resolve("read-switch"), "#!/bin/sh\n[ -e '" + flag + "' ]\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        CommandSwitchInput input = new CommandSwitchInput(List.of(script.toString()), Duration.ofSeconds(10));
        assertThat(input.read()).isEqualTo(SwitchReading.OFF);
        Files.writeString(flag, "");
        assertThat(input.read()).isEqualTo(SwitchReading.ON);
        assertThat(new CommandSwitchInput(List.of(dir.resolve("gone").toString()), Duration.ofSeconds(10)).read()
                .problem()).startsWith("cannot run " + dir.resolve("gone"));
    }

    @Test
    void aCommandThatHangsIsStoppedAndGivesNoReading() throws IOException {
        Path script = Files.writeString(dir.resolve("hang"), "#!/bin/sh\nexec sleep 60\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        SwitchReading reading = new CommandSwitchInput(List.of(script.toString()), Duration.ofMillis(200)).read();
        assertThat(reading.known()).isFalse();
        assertThat(reading.problem()).isEqualTo(script + " did not finish within 200 ms");
    }
}
