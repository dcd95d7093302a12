package dht.boot;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dht.client.DhtClient;
import dht.core.NodeRef;

import java.net.URI;
import java.time.Duration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

/**
 * A WireMock standing for the registry and the one node of a ring: every key is absent and every
 * write is stored, unless a test stubs otherwise; the tests verify what the client sent.
 */
public final class OneNodeRing {

    public static final String VERSION = "0000000000000001-0000000000000001";

    private final WireMockExtension wireMock;
    private final NodeRef node;

    public OneNodeRing(WireMockExtension wireMock) {
        this.wireMock = wireMock;
        this.node = NodeRef.at("127.0.0.1:" + wireMock.getPort());
        wireMock.stubFor(get("/nodes").willReturn(aResponse().withHeader("Content-Type", "application/json")
                .withBody("{\"nodes\":[{\"id\":\"" + node.id() + "\",\"address\":\"" + node.address() + "\"}]}")));
        wireMock.stubFor(any(urlPathMatching("/keys/.*")).atPriority(10).willReturn(answer(404)
                .withHeader("Content-Type", "application/problem+json").withBody("{\"title\":\"Not Found\",\"status\":404}")));
        wireMock.stubFor(put(urlPathMatching("/keys/.*")).atPriority(9).willReturn(answer(201).withHeader("ETag", "\"" + VERSION + "\"")));
    }

    public static WireMockExtension wireMock() {
        return WireMockExtension.newInstance()
                .options(wireMockConfig().bindAddress("127.0.0.1").dynamicPort().gzipDisabled(true))
                .build();
    }

    /** A client of this ring that tries once: a test's stub answers, there is nothing to wait for. */
    public DhtClient client() {
        return DhtClient.builder().registry(URI.create(wireMock.baseUrl())).retries(1, Duration.ofMillis(1)).build();
    }

    /** An answer of the node, naming itself as the key's owner as every node's answer does. */
    public ResponseDefinitionBuilder answer(int status) {
        return aResponse().withStatus(status).withHeader("X-DHT-Owner", node.id().toString());
    }
}
