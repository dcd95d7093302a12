package dht.boot.cache;

import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dht.client.DhtClient;
import dht.core.NodeRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a cache sends to the DHT, against a WireMock standing for the registry and a ring of one
 * node: where entries go, with which ttl, and how evict and clear write.
 */
class DhtCacheTest {

    private static final String VERSION = "0000000000000001-0000000000000001";

    @RegisterExtension
    static WireMockExtension dht = WireMockExtension.newInstance()
            .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().gzipDisabled(true))
            .build();

    private final JsonMapper json = JsonMapper.builder().build();
    private final CacheValueSerializer values = new JsonCacheValueSerializer(json, List.of("dht.boot"), getClass().getClassLoader());
    private final DhtCacheConfiguration configuration = new DhtCacheConfiguration("cache", Duration.ofSeconds(30), values,
            CacheKeySerializer.TO_STRING, Duration.ofMinutes(1), true);
    private DhtClient client;
    private NodeRef node;

    @BeforeEach
    void ringOfOneNode() {
        node = NodeRef.at("127.0.0.1:" + dht.getPort());
        dht.stubFor(get("/nodes").willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody("{\"nodes\":[{\"id\":\"" + node.id() + "\",\"address\":\"" + node.address() + "\"}]}")));
        dht.stubFor(any(urlPathMatching("/keys/.*")).atPriority(10).willReturn(absent404()));
        dht.stubFor(put(urlPathMatching("/keys/.*")).atPriority(9).willReturn(aResponse().withStatus(201)
                .withHeader("ETag", "\"" + VERSION + "\"").withHeader("X-DHT-Owner", node.id().toString())));
        client = DhtClient.builder().registry(URI.create(dht.baseUrl())).retries(1, Duration.ofMillis(1)).build();
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
        dht.stubFor(entry("cache/quotes/0/AAPL").willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withHeader("X-DHT-Owner", node.id().toString()).withBody(values.serialize(price))));

        assertThat(cache("quotes").get("AAPL")).isNotNull().satisfies(cached -> assertThat(cached.get()).isEqualTo(price));
        assertThat(cache("quotes").get("MSFT")).isNull();
    }

    @Test
    void anEntryTheApplicationCannotReadIsAMiss() {
        dht.stubFor(entry("cache/quotes/0/AAPL").willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withHeader("X-DHT-Owner", node.id().toString()).withBody("{\"type\":\"org.example.Gadget\",\"value\":{}}")));

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
        dht.stubFor(entry("cache/quotes").willReturn(aResponse().withHeader("Content-Type", "text/plain")
                .withHeader("ETag", "\"" + VERSION + "\"").withHeader("X-DHT-Owner", node.id().toString()).withBody("4")));
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

    private com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder absent404() {
        return aResponse().withStatus(404).withHeader("Content-Type", "application/problem+json")
                .withHeader("X-DHT-Owner", NodeRef.at("127.0.0.1:" + dht.getPort()).id().toString())
                .withBody("{\"title\":\"Not Found\",\"status\":404}");
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
