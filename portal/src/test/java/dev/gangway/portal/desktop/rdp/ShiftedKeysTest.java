package dev.gangway.portal.desktop.rdp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.junit.jupiter.api.Test;

class ShiftedKeysTest {

    private final ShiftedKeys keys = new ShiftedKeys();

    private List<String> send(String opcode, String... args) {
        return keys.filter(new GuacamoleInstruction(opcode, args)).stream().map(GuacamoleInstruction::toString)
                .toList();
    }

    @Test
    void aCapitalWithoutShiftGetsShiftAroundItAndOnlyThen() {
        assertThat(send("key", "72", "1")).containsExactly("3.key,5.65505,1.1;", "3.key,2.72,1.1;");
        assertThat(send("key", "72", "0")).containsExactly("3.key,2.72,1.0;", "3.key,5.65505,1.0;");
        assertThat(send("key", "33", "1")).containsExactly("3.key,5.65505,1.1;", "3.key,2.33,1.1;"); // '!'
        assertThat(send("key", "33", "0")).containsExactly("3.key,2.33,1.0;", "3.key,5.65505,1.0;");

        // typed as a person does, with Shift held: passed as it is
        assertThat(send("key", "65505", "1")).containsExactly("3.key,5.65505,1.1;");
        assertThat(send("key", "72", "1")).containsExactly("3.key,2.72,1.1;");
        assertThat(send("key", "72", "0")).containsExactly("3.key,2.72,1.0;");
        assertThat(send("key", "65505", "0")).containsExactly("3.key,5.65505,1.0;");

        // small letters, other keys and other instructions: unchanged
        assertThat(send("key", "104", "1")).containsExactly("3.key,3.104,1.1;");
        assertThat(send("key", "65293", "1")).containsExactly("3.key,5.65293,1.1;");
        assertThat(send("mouse", "1", "2", "0")).containsExactly("5.mouse,1.1,1.2,1.0;");
        assertThat(send("key", "x", "1")).containsExactly("3.key,1.x,1.1;");
    }
}
