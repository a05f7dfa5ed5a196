package dev.gangway.portal.device;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ActivationKeysTest {

    @Test
    void keysAre160RandomBitsInGroupsOfFour() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String key = ActivationKeys.generate();
            assertThat(key).matches("[A-Z2-7]{4}(-[A-Z2-7]{4}){7}");
            assertThat(seen.add(key)).isTrue();
        }
    }

    @Test
    void typedKeysAreNormalisedBeforeHashing() {
        String key = ActivationKeys.generate();
        String canonical = ActivationKeys.normalise(key);
        assertThat(canonical).hasSize(32).doesNotContain("-");
        assertThat(ActivationKeys.normalise(key.toLowerCase().replace('-', ' '))).isEqualTo(canonical);
        assertThat(ActivationKeys.normalise("0000-1111-8888-AAAA-AAAA-AAAA-AAAA-AAAA"))
                .isEqualTo("OOOOIIIIBBBBAAAAAAAAAAAAAAAAAAAA");
        assertThat(ActivationKeys.normalise("ABCD")).isNull();
        assertThat(ActivationKeys.normalise("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-456!")).isNull();
        assertThat(ActivationKeys.hash(canonical)).hasSize(64).isNotEqualTo(ActivationKeys.hash(canonical + "A"));
    }
}
