package dht.cluster;

import dht.core.NodeRef;
import dht.core.wire.KeyPage;
import dht.core.wire.RingSnapshot;
import dht.core.wire.StoreCursor;
import dht.testkit.TestCluster;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.json.JsonMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /keys} lists every live key with the prefix exactly once, in ring order, page by page,
 * while the ring changes between pages and while a node joins or leaves during a whole listing:
 * the cursor names a place on the ring, not a node. Deleted keys and keys outside the prefix are
 * not listed.
 */
class ListingTest {

    private static final String PREFIX = "listed/";
    private static final int KEYS = 300;
    private static final int DELETED = 30;
    private static final int OUTSIDE = 60;
    /** Whole listings while a node joins or leaves; the change ends well before this many. */
    private static final int MOST_LISTINGS_DURING_A_CHANGE = 200;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Gives up on an answer after a while, so that a page that never comes is asked again and reported. */
    private static final RestClient LISTING_CLIENT = RestClient.builder()
            .requestFactory(readTimeout(new JdkClientHttpRequestFactory(HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build())))
            .build();

    private static JdkClientHttpRequestFactory readTimeout(JdkClientHttpRequestFactory factory) {
        factory.setReadTimeout(Duration.ofSeconds(10));
        return factory;
    }

    @AutoClose
    private TestCluster cluster;

    @Test
    void everyKeyIsListedExactlyOnceWhileANodeJoinsAndWhileOneLeaves() {
        cluster = TestCluster.builder().nodes(4).build();
        cluster.awaitRing();
        int lister = cluster.indexes().getFirst();
        KeyClient client = new KeyClient(cluster.http());
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < KEYS; i++) {
            put(client, PREFIX + i);
            expected.add(PREFIX + i);
        }
        for (int i = 0; i < OUTSIDE; i++) {
            put(client, "elsewhere/" + i);
        }
        for (int i = 0; i < DELETED; i++) {
            assertThat(client.delete(cluster.node(lister).url(), PREFIX + i).getStatusCode().value()).isEqualTo(204);
            expected.remove(PREFIX + i);
        }

        // the ring changes between pages: a join after a third of the pages, a leave after two thirds
        List<String> listed = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        int joined = -1;
        do {
            KeyPage page = page(lister, 7, cursor);
            listed.addAll(page.keys());
            cursor = page.cursor();
            pages++;
            if (pages == 13) {
                joined = cluster.addNode();
            } else if (pages == 26) {
                cluster.stop(cluster.indexes().get(1));
            }
        } while (cursor != null);
        assertThat(pages).as("pages").isGreaterThan(26);
        assertListedOnceInRingOrder(listed, expected);

        // whole listings while a node joins (started, its join running on its own), then while one leaves (asked
        // to, it leaves on its own)
        int newcomer = cluster.startNodeWith();
        listWhile(() -> isReady(newcomer), lister, expected);
        cluster.awaitRing();
        NodeRef leaver = cluster.node(joined).ref();
        assertThat(cluster.http().post().uri(URI.create(cluster.node(joined).url() + "/admin/leave")).retrieve()
                .toBodilessEntity().getStatusCode().value()).isEqualTo(202);
        listWhile(() -> !cluster.registryRing().contains(leaver.id()), lister, expected);
        cluster.forget(joined);
        assertListedOnceInRingOrder(listAll(cluster.indexes().get(1), 50), expected);
        assertListedOnceInRingOrder(listAll(newcomer, 1000), expected);
    }

    @Test
    void badInputIsAProblem() {
        cluster = TestCluster.builder().nodes(1).build();
        cluster.awaitRing();
        String url = cluster.node(cluster.indexes().getFirst()).url();
        for (String query : List.of("limit=0", "limit=1001", "cursor=bad")) {
            AtomicReference<Integer> status = new AtomicReference<>();
            AtomicReference<String> type = new AtomicReference<>();
            cluster.http().get().uri(URI.create(url + "/keys?" + query)).exchange((request, response) -> {
                status.set(response.getStatusCode().value());
                type.set(response.getHeaders().getFirst("Content-Type"));
                return null;
            });
            assertThat(status.get()).as(query).isEqualTo(400);
            assertThat(type.get()).as(query).startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        }
    }

    private void put(KeyClient client, String key) {
        assertThat(client.put(cluster.node(cluster.indexes().getFirst()).url(), key, key.getBytes(StandardCharsets.UTF_8),
                MediaType.TEXT_PLAIN).getStatusCode().value()).as("PUT %s", key).isEqualTo(201);
    }

    /** Lists the whole prefix again and again until the change is {@code done}, checking each listing. */
    private void listWhile(BooleanSupplier done, int lister, Set<String> expected) {
        int listings = 0;
        do {
            assertThat(listings).as("listings during the change").isLessThan(MOST_LISTINGS_DURING_A_CHANGE);
            assertListedOnceInRingOrder(listAll(lister, 40), expected);
            listings++;
        } while (!done.getAsBoolean());
    }

    private boolean isReady(int index) {
        RingSnapshot view = cluster.ringView(index);
        return view != null && "READY".equals(view.state());
    }

    private List<String> listAll(int index, int limit) {
        List<String> listed = new ArrayList<>();
        String cursor = null;
        do {
            KeyPage page = page(index, limit, cursor);
            listed.addAll(page.keys());
            cursor = page.cursor();
        } while (cursor != null);
        return listed;
    }

    /**
     * One page from node {@code index}; asked again with the same cursor while the node answers a
     * problem that says to retry (a replica unreachable or a quorum short while the ring changes).
     */
    private KeyPage page(int index, int limit, String cursor) {
        UriComponentsBuilder uri = UriComponentsBuilder.fromUriString(cluster.node(index).url()).path("/keys")
                .queryParam("prefix", PREFIX).queryParam("limit", limit);
        if (cursor != null) {
            uri.queryParam("cursor", cursor);
        }
        URI request = uri.build().encode().toUri();
        AtomicReference<KeyPage> page = new AtomicReference<>();
        AtomicReference<String> refusal = new AtomicReference<>();
        try {
            await("a page after " + cursor).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                int[] status = new int[1];
                byte[] body;
                try {
                    body = LISTING_CLIENT.get().uri(request).exchange((req, response) -> {
                        status[0] = response.getStatusCode().value();
                        return response.getBody().readAllBytes();
                    });
                } catch (ResourceAccessException e) {
                    refusal.set("no answer: " + e.getMessage());
                    return false;
                }
                assertThat(status[0]).as("status of %s", request).isIn(200, 502, 503, 504);
                if (status[0] == 200) {
                    page.set(JSON.readValue(body, KeyPage.class));
                } else {
                    refusal.set(status[0] + " " + new String(body, StandardCharsets.UTF_8));
                }
                return status[0] == 200;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no page from " + request + "; the last answer: " + refusal.get(), e);
        }
        assertThat(page.get().keys()).hasSizeLessThanOrEqualTo(limit);
        return page.get();
    }

    private static void assertListedOnceInRingOrder(List<String> listed, Set<String> expected) {
        assertThat(new HashSet<>(listed)).as("keys listed once each").hasSameSizeAs(listed);
        assertThat(listed).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(listed).isSortedAccordingTo((a, b) -> StoreCursor.STORE_ORDER.compare(StoreCursor.of(a), StoreCursor.of(b)));
    }
}
