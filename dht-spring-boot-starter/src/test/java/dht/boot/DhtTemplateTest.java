package dht.boot;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dht.client.DhtClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import java.time.Duration;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/** What the template sends and how it reads answers, against a WireMock standing for a ring of one node. */
class DhtTemplateTest {

    @RegisterExtension
    static WireMockExtension dht = OneNodeRing.wireMock();

    private OneNodeRing ring;
    private DhtClient client;
    private DhtTemplate template;

    @BeforeEach
    void ringOfOneNode() {
        ring = new OneNodeRing(dht);
        client = ring.client();
        template = new DhtTemplate(client, JsonMapper.builder().build());
    }

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void anObjectIsStoredAsJsonWithItsTtl() {
        template.put("session/42", new Session("ada", 3), Duration.ofMinutes(30));

        dht.verify(putRequestedFor(urlEqualTo("/keys/session%2F42?ttl=1800"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"user\":\"ada\",\"visits\":3}")));
    }

    @Test
    void aWriteWithoutATtlAsksForNone() {
        template.putString("greeting", "hello");

        dht.verify(putRequestedFor(urlEqualTo("/keys/greeting")).withHeader("Content-Type", equalTo("text/plain;charset=UTF-8")));
    }

    @Test
    void aStoredJsonValueIsReadAsItsType() {
        dht.stubFor(get("/keys/session%2F42").atPriority(1).willReturn(ring.answer(200)
                .withHeader("Content-Type", "application/json").withBody("{\"user\":\"ada\",\"visits\":3}")));

        assertThat(template.get("session/42", Session.class)).contains(new Session("ada", 3));
        assertThat(template.getString("session/42")).contains("{\"user\":\"ada\",\"visits\":3}");
    }

    @Test
    void anAbsentKeyIsEmpty() {
        assertThat(template.get("session/7", Session.class)).isEmpty();
        assertThat(template.getBytes("session/7")).isEmpty();
    }

    @Test
    void putIfAbsentSaysWhetherItWrote() {
        dht.stubFor(put("/keys/taken").atPriority(1).willReturn(ring.answer(412).withHeader("Content-Type", "application/problem+json")
                .withHeader("ETag", "\"" + OneNodeRing.VERSION + "\"").withBody("{\"title\":\"Precondition Failed\",\"status\":412}")));

        assertThat(template.putIfAbsent("free", new Session("ada", 1))).isTrue();
        assertThat(template.putIfAbsent("taken", new Session("ada", 1))).isFalse();
        dht.verify(putRequestedFor(urlEqualTo("/keys/free")).withHeader("If-None-Match", equalTo("*")));
    }

    record Session(String user, int visits) {
    }
}
