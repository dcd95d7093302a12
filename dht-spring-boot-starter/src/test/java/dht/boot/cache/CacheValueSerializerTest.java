package dht.boot.cache;

import org.junit.jupiter.api.Test;
import org.springframework.cache.support.NullValue;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Values to bytes and back, and the classes an entry may not make a reader create. */
class CacheValueSerializerTest {

    private static final ClassLoader LOADER = CacheValueSerializerTest.class.getClassLoader();
    private static final Price PRICE = new Price("AAPL", new BigDecimal("187.20"), Instant.parse("2026-01-02T03:04:05Z"));

    private final JsonCacheValueSerializer json = new JsonCacheValueSerializer(JsonMapper.builder().build(), List.of("dht.boot"), LOADER);
    private final JavaCacheValueSerializer java = new JavaCacheValueSerializer(List.of("dht.boot"), LOADER);

    @Test
    void jsonReadsBackARecordOfATrustedPackageExactly() {
        assertThat(json.deserialize(json.serialize(PRICE))).isEqualTo(PRICE);
    }

    @Test
    void jsonReadsBackTheJdksValueTypesAndCollections() {
        assertThat(json.deserialize(json.serialize("text"))).isEqualTo("text");
        assertThat(json.deserialize(json.serialize(42L))).isEqualTo(42L);
        assertThat(json.deserialize(json.serialize(List.of("a", "b")))).isEqualTo(List.of("a", "b"));
    }

    @Test
    void aCachedNullReadsBackAsNull() {
        assertThat(json.deserialize(json.serialize(NullValue.INSTANCE))).isSameAs(NullValue.INSTANCE);
        assertThat(java.deserialize(java.serialize(NullValue.INSTANCE))).isSameAs(NullValue.INSTANCE);
    }

    @Test
    void jsonRefusesAnEntryNamingAClassOutsideTheTrustedPackages() {
        byte[] entry = "{\"type\":\"org.example.Gadget\",\"value\":{}}".getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> json.deserialize(entry)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("org.example.Gadget").hasMessageContaining("trusted-packages");
    }

    @Test
    void jsonRefusesBytesItDidNotWrite() {
        assertThatThrownBy(() -> json.deserialize("not json".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> json.deserialize("{\"value\":1}".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void javaSerializationReadsBackGenericCollectionsWithTheirElements() {
        List<Price> prices = List.of(PRICE);

        assertThat(java.deserialize(java.serialize(prices))).isEqualTo(prices);
    }

    @Test
    void javaSerializationRefusesClassesOutsideTheTrustedPackages() {
        JavaCacheValueSerializer trustingNothingOfOurs = new JavaCacheValueSerializer(List.of(), LOADER);

        assertThatThrownBy(() -> trustingNothingOfOurs.deserialize(java.serialize(PRICE))).isInstanceOf(IllegalArgumentException.class);
    }

    record Price(String symbol, BigDecimal price, Instant pricedAt) implements java.io.Serializable {
    }
}
