package dht.core;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExpiryTest {

    private static final Instant NOW = Instant.parse("2026-12-05T03:30:00.250Z");

    @Test
    void aValueExpiresItsTimeToLiveAfterItIsWritten() {
        assertThat(Expiry.after(NOW, 90)).isEqualTo(Instant.parse("2026-12-05T03:31:30.250Z"));
    }

    @Test
    void anExpiryIsToTheMillisecondAsEntriesKeepIt() {
        assertThat(Expiry.after(Instant.parse("2026-12-05T03:30:00.250999999Z"), 1)).isEqualTo(Instant.parse("2026-12-05T03:30:01.250Z"));
    }

    @Test
    void aTimeToLiveIsPositive() {
        assertThatThrownBy(() -> Expiry.after(NOW, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Expiry.after(NOW, -5)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anExpiryPastTheLastInstantRfc3339WritesIsRefused() {
        long toLatest = Expiry.LATEST.getEpochSecond() - NOW.getEpochSecond();

        assertThat(Expiry.after(NOW, toLatest).toString()).startsWith("9999-12-31T23:59:59");
        assertThatThrownBy(() -> Expiry.after(NOW, toLatest + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Expiry.after(NOW, Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aTimeToLiveAcceptedElsewhereEndsAtTheLatestInstantAtMost() {
        assertThat(Expiry.afterAtMost(NOW, Long.MAX_VALUE)).isEqualTo(NOW.plusSeconds(Expiry.LATEST.getEpochSecond() - NOW.getEpochSecond()));
        assertThat(Expiry.afterAtMost(NOW, 90)).isEqualTo(Expiry.after(NOW, 90));
    }
}
