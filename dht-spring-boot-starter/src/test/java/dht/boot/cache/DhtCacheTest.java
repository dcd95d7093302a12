package dht.boot.cache;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dht.boot.OneNodeRing;
import dht.client.DhtClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a cache sends to the DHT, against a WireMock standing for the registry and a ring of one
 * node: where entries go, with which ttl, and how evict and clear write.
 */
class DhtCacheTest {

    private static final String VERSION = OneNodeRing.VERSION;

    @RegisterExtension
    static WireMockExtension dht = OneNodeRing.wireMock();

    private final JsonMapper json = JsonMapper.builder().build();
    private final CacheValueSerializer values = new JsonCacheValueSerializer(json, List.of("dht.boot"), getClass().getClassLoader());
    private final DhtCacheConfiguration configuration = new DhtCacheConfiguration("cache", Duration.ofSeconds(30), values,
            CacheKeySerializer.TO_STRING, Duration.ofMinutes(1), true);
    private OneNodeRing ring;
    private DhtClient client;

    @BeforeEach
    void ringOfOneNode() {
        ring = new OneNodeRing(dht);
        client = ring.client();
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void anEntryIsWrittenUnderTheCachesNamespaceAndGenerationWithItsTtl() {
        cache("quotes").put("AAPL", new Price("AAPL", new BigDecimal("187.20")));

        dht.verify(putRequestedFor(urlEqualTo("/keys/" + encoded("cache/quotes/0/AAPL") + "?ttl=30"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(matchingJsonPath("$.type", equalTo(Price.class.getName())))
                .withRequestBody(containing("\"price\":187.20")));
    }

    @Test
    void aCacheWithoutATtlWritesEntriesThatNeverExpire() {
        new DhtCache("quotes", client, configuration.withTtl(null)).put("AAPL", "a value");

        dht.verify(putRequestedFor(urlEqualTo("/keys/" + encoded("cache/quotes/0/AAPL"))));
    }

    @Test
    void aStoredEntryIsReadBackAsTheValuesOwnType() {
        Price price = new Price("AAPL", new BigDecimal("187.20"));
        dht.stubFor(entry("cache/quotes/0/AAPL").willReturn(ring.answer(200).withHeader("Content-Type", "application/json").withBody(values.serialize(price))));

        assertThat(cache("quotes").get("AAPL")).isNotNull().satisfies(cached -> assertThat(cached.get()).isEqualTo(price));
        assertThat(cache("quotes").get("MSFT")).isNull();
    }

    @Test
    void anEntryTheApplicationCannotReadIsAMiss() {
        dht.stubFor(entry("cache/quotes/0/AAPL").willReturn(ring.answer(200).withHeader("Content-Type", "application/json").withBody("{\"type\":\"org.example.Gadget\",\"value\":{}}")));

        assertThat(cache("quotes").get("AAPL")).isNull();
    }

    @Test
    void aMissingEntryIsLoadedAndStored() {
        String loaded = cache("quotes").get("MSFT", () -> "loaded");

        assertThat(loaded).isEqualTo("loaded");
        dht.verify(putRequestedFor(urlEqualTo("/keys/" + encoded("cache/quotes/0/MSFT") + "?ttl=30")));
    }

    @Test
    void evictDeletesTheEntry() {
        cache("quotes").evict("AAPL");

        dht.verify(deleteRequestedFor(urlEqualTo("/keys/" + encoded("cache/quotes/0/AAPL"))));
    }

    @Test
    void putIfAbsentClaimsTheKeyByConditionThenGivesItTheTtl() {
        assertThat(cache("quotes").putIfAbsent("AAPL", "first")).isNull();

        String key = "/keys/" + encoded("cache/quotes/0/AAPL");
        dht.verify(putRequestedFor(urlEqualTo(key)).withHeader("If-None-Match", equalTo("*")));
        dht.verify(putRequestedFor(urlEqualTo(key + "?ttl=30")).withoutHeader("If-None-Match"));
    }

    @Test
    void clearRaisesTheGenerationByCompareAndSetAndLaterEntriesGoToTheNext() {
        dht.stubFor(entry("cache/quotes").willReturn(ring.answer(200).withHeader("Content-Type", "text/plain")
                .withHeader("ETag", "\"" + VERSION + "\"").withBody("4")));
        DhtCache cache = cache("quotes");

        cache.clear();
        cache.put("AAPL", "after the clear");

        dht.verify(putRequestedFor(urlEqualTo("/keys/" + encoded("cache/quotes")))
                .withHeader("If-Match", equalTo("\"" + VERSION + "\"")).withRequestBody(equalTo("5")));
        dht.verify(putRequestedFor(urlEqualTo("/keys/" + encoded("cache/quotes/5/AAPL") + "?ttl=30")));
    }

    @Test
    void theFirstClearOfACacheCreatesItsGeneration() {
        cache("quotes").clear();

        dht.verify(putRequestedFor(urlEqualTo("/keys/" + encoded("cache/quotes")))
                .withHeader("If-None-Match", equalTo("*")).withRequestBody(equalTo("1")));
    }

    @Test
    void aKeyTooLongForTheDhtIsNamedByItsHash() {
        String longKey = "k".repeat(2000);

        String entryKey = cache("quotes").entryKey(longKey);

        assertThat(entryKey).matches("cache/quotes/0/sha256-[0-9a-f]{64}");
        assertThat(cache("quotes").entryKey("short")).isEqualTo("cache/quotes/0/short");
    }

    private DhtCache cache(String name) {
        return new DhtCache(name, client, configuration);
    }

    private static MappingBuilder entry(String key) {
        return get(urlEqualTo("/keys/" + encoded(key))).atPriority(1);
    }

    private static String encoded(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    record Price(String symbol, BigDecimal price) {
    }
}
