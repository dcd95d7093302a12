package dht.core.wire;

import dht.core.RingArbitraries;
import dht.core.Version;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EntryCodecProperties {

    /** Text as it reaches a node: well-formed UTF-16, so any code point but a lone surrogate. */
    private static Arbitrary<String> texts(int minLength) {
        Arbitrary<Integer> codePoints = Arbitraries.oneOf(
                Arbitraries.integers().between(0x20, 0x7e),
                Arbitraries.of((int) '/', (int) '%', 0, (int) 'é', 0x1F511, 0x10FFFF),
                Arbitraries.integers().between(0, 0x10FFFF).filter(cp -> cp < 0xD800 || cp > 0xDFFF));
        return codePoints.list().ofMinSize(minLength).ofMaxSize(40)
                .map(list -> list.stream().collect(StringBuilder::new, StringBuilder::appendCodePoint,
                        StringBuilder::append).toString());
    }

    @Provide
    Arbitrary<List<Entry>> batches() {
        Arbitrary<Version> versions = Combinators.combine(Arbitraries.longs(), RingArbitraries.positions())
                .as(Version::new);
        Arbitrary<byte[]> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<Entry> entries = Combinators.combine(texts(1), values, texts(0), versions).as(Entry::new);
        return entries.list().ofMaxSize(20);
    }

    private static boolean sameEntries(List<Entry> a, List<Entry> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            Entry x = a.get(i);
            Entry y = b.get(i);
            if (!x.key().equals(y.key()) || !Arrays.equals(x.value(), y.value())
                    || !x.contentType().equals(y.contentType()) || !x.version().equals(y.version())) {
                return false;
            }
        }
        return true;
    }

    @Property
    void batchesRoundTrip(@ForAll("batches") List<Entry> batch) throws IOException {
        List<Entry> read = EntryCodec.read(new ByteArrayInputStream(EntryCodec.toBytes(batch)), 300);

        assertThat(sameEntries(read, batch)).as("read back %s", read).isTrue();
    }

    @Property
    void batchCutShortIsRefused(@ForAll("batches") List<Entry> batch, @ForAll double cut) {
        byte[] bytes = EntryCodec.toBytes(batch);
        int length = (int) (Math.abs(cut) % 1.0 * bytes.length);
        byte[] truncated = Arrays.copyOf(bytes, Math.min(length, bytes.length - 1));

        assertThatThrownBy(() -> EntryCodec.read(new ByteArrayInputStream(truncated), 300))
                .isInstanceOf(IOException.class);
    }
}
