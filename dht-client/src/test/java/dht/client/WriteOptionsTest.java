package dht.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WriteOptionsTest {

    @Test
    void theDefaultsAreTheClustersQuorumAndAPermanentValue() {
        assertThat(WriteOptions.defaults().quorum()).isEqualTo(Quorum.clusterDefault());
        assertThat(WriteOptions.defaults().ttl()).isNull();
    }

    @Test
    void eachOptionIsSetApartFromTheOther() {
        WriteOptions options = WriteOptions.defaults().withTtl(Duration.ofMinutes(5)).withQuorum(Quorum.of(2));

        assertThat(options).isEqualTo(new WriteOptions(Quorum.of(2), Duration.ofSeconds(300)));
        assertThat(options.withTtl(null).ttl()).isNull();
    }

    @Test
    void aTtlIsAWholeNumberOfSecondsOfAtLeastOne() {
        assertThat(WriteOptions.defaults().withTtl(Duration.ofSeconds(1)).ttl()).hasSeconds(1);
        for (Duration invalid : new Duration[]{Duration.ZERO, Duration.ofSeconds(-5), Duration.ofMillis(999), Duration.ofMillis(1500)}) {
            assertThatThrownBy(() -> WriteOptions.defaults().withTtl(invalid)).as("ttl %s", invalid)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> WriteOptions.defaults().withQuorum(null)).isInstanceOf(NullPointerException.class);
    }
}
