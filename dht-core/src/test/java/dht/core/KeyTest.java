package dht.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyTest {

    @Test
    void aKeyCarriesItsRingPosition() {
        assertThat(Key.of("greeting").position()).isEqualTo(RingPosition.ofKey("greeting"));
        assertThat(Key.of("greeting").position()).hasToString("18f6b0200b6fd32c");
    }

    @Test
    void oneTo1024BytesOfUtf8() {
        assertThat(Key.of("a").value()).isEqualTo("a");
        assertThat(Key.of("é".repeat(512)).value()).hasSize(512);
        assertThatThrownBy(() -> Key.of("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Key.of("é".repeat(512) + "a")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void controlCharactersAndSlashesAreKeysLikeAnyOther() {
        assertThat(Key.of("tab\tand\nnewline/a%2Fb").value()).isEqualTo("tab\tand\nnewline/a%2Fb");
    }
}
