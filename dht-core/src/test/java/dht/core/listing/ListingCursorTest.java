package dht.core.listing;

import dht.core.RingPosition;
import dht.core.wire.StoreCursor;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ListingCursorTest {

    @Property
    void everyCursorDecodesToWhatWasEncoded(@ForAll long position, @ForAll @StringLength(max = 300) String key) {
        StoreCursor cursor = new StoreCursor(new RingPosition(position), key);
        assertThat(ListingCursor.decode(ListingCursor.encode(cursor))).isEqualTo(cursor);
    }

    @Property
    void aCursorIsUrlSafe(@ForAll @StringLength(min = 1, max = 100) String key) {
        assertThat(ListingCursor.encode(StoreCursor.of(key))).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void aKeyOfTheLongestLengthFitsInACursor() {
        String key = "é".repeat(512);
        assertThat(ListingCursor.decode(ListingCursor.encode(StoreCursor.of(key)))).isEqualTo(StoreCursor.of(key));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "not base64!", "AQ", "AgAAAAAAAAAAa2V5"})
    void whatNoListingAnsweredIsRefused(String cursor) {
        assertThatThrownBy(() -> ListingCursor.decode(cursor)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aKeyThatIsNotUtf8IsRefused() {
        byte[] bytes = {1, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xfe};
        String cursor = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        assertThatThrownBy(() -> ListingCursor.decode(cursor)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aKeyLongerThanAnyKeyIsRefused() {
        String cursor = ListingCursor.encode(new StoreCursor(RingPosition.MIN, "k".repeat(1025)));
        assertThatThrownBy(() -> ListingCursor.decode(cursor)).isInstanceOf(IllegalArgumentException.class);
    }
}
