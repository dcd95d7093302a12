package dht.core.wire;

import dht.core.RingPosition;
import dht.core.Version;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A copy the asker already holds comes back as its version alone; every other answer survives the wire. */
class CopyAnswersTest {

    private static final Version OLDER = new Version(1, RingPosition.MIN);
    private static final Version NEWER = new Version(2, RingPosition.MIN);
    private static final Entry HELD = new Entry("k", "value".getBytes(StandardCharsets.UTF_8), "text/plain", NEWER);

    @Test
    void theSameVersionIsAConfirmationWithoutTheValue() {
        CopyAnswer answer = CopyAnswer.of(Optional.of(HELD), NEWER);

        assertThat(answer.kind()).isEqualTo(CopyAnswer.Kind.SAME);
        assertThat(answer.copy()).isNull();
        assertThat(answer.copyGiven(Optional.of(HELD))).containsSame(HELD);
    }

    @Test
    void anotherVersionOrNoneKnownGetsTheWholeCopy() {
        assertThat(CopyAnswer.of(Optional.of(HELD), OLDER).copyGiven(Optional.empty())).containsSame(HELD);
        assertThat(CopyAnswer.of(Optional.of(HELD), null).kind()).isEqualTo(CopyAnswer.Kind.COPY);
        assertThat(CopyAnswer.of(Optional.empty(), NEWER).copyGiven(Optional.of(HELD))).isEmpty();
    }

    @Test
    void aTombstoneGoesWholeEvenAtTheSameVersion() {
        Entry deleted = Entry.tombstone("k", NEWER);

        assertThat(CopyAnswer.of(Optional.of(deleted), NEWER).copyGiven(Optional.of(HELD))).containsSame(deleted);
    }

    @Test
    void everyKindRoundTrips() throws IOException {
        List<CopyAnswer> answers = List.of(CopyAnswer.of(Optional.empty(), null), CopyAnswer.of(Optional.of(HELD), NEWER),
                CopyAnswer.of(Optional.of(HELD), OLDER), CopyAnswer.notOwned());

        List<CopyAnswer> read = CopyAnswers.fromBytes(CopyAnswers.toBytes(answers), 4, 1024);

        assertThat(read).extracting(CopyAnswer::kind).containsExactly(
                CopyAnswer.Kind.ABSENT, CopyAnswer.Kind.SAME, CopyAnswer.Kind.COPY, CopyAnswer.Kind.NOT_OWNED);
        assertThat(read.get(2).copy().value()).isEqualTo(HELD.value());
        assertThat(read.get(2).copy().version()).isEqualTo(NEWER);
    }

    @Test
    void moreAnswersThanAskedForOrALargerValueThanAllowedAreRefused() {
        byte[] two = CopyAnswers.toBytes(List.of(CopyAnswer.notOwned(), CopyAnswer.of(Optional.of(HELD), null)));

        assertThatThrownBy(() -> CopyAnswers.fromBytes(two, 1, 1024)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> CopyAnswers.fromBytes(two, 2, 4)).isInstanceOf(IOException.class);
    }
}
