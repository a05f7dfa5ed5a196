package dev.gangway.agent.register;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceSerialTest {

    @TempDir
    Path dir;

    @Test
    void derivedFromTheMachineIdAsAHashNotTheIdItself() throws Exception {
        Path machineId = Files.writeString(dir.resolve("machine-id"), "0123456789abcdef0123456789abcdef\n");
        DeviceSerial.Choice first = DeviceSerial.choose(Optional.empty(), Optional.empty(), machineId);
        DeviceSerial.Choice again = DeviceSerial.choose(Optional.empty(), Optional.empty(), machineId);
        assertThat(first.serial()).matches("[0-9a-f]{32}").isEqualTo(again.serial())
                .isNotEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(first.source()).isEqualTo(machineId.toString());
    }

    @Test
    void precedenceGivenThenSavedThenMachineId() throws Exception {
        Path machineId = Files.writeString(dir.resolve("machine-id"), "0123456789abcdef0123456789abcdef\n");
        assertThat(DeviceSerial.choose(Optional.of("SN-1"), Optional.of("saved"), machineId).serial()).isEqualTo("SN-1");
        assertThat(DeviceSerial.choose(Optional.empty(), Optional.of("saved"), machineId).serial()).isEqualTo("saved");
    }

    @Test
    void generatedWhenThereIsNoUsableMachineId() throws Exception {
        Path bad = Files.writeString(dir.resolve("machine-id"), "uninitialized\n");
        DeviceSerial.Choice a = DeviceSerial.choose(Optional.empty(), Optional.empty(), bad);
        DeviceSerial.Choice b = DeviceSerial.choose(Optional.empty(), Optional.empty(), dir.resolve("missing"));
        assertThat(a.serial()).matches("[0-9a-f]{32}");
        assertThat(a.source()).isEqualTo("generated");
        assertThat(b.serial()).matches("[0-9a-f]{32}").isNotEqualTo(a.serial());
    }
}
