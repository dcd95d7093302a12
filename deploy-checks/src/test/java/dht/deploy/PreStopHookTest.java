package dht.deploy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The nodes' preStop hook as deploy/k8s ships it (the script of the rendered ConfigMap), run with
 * bash against a stand-in Kubernetes API and a stand-in node: it makes the node leave the ring only
 * when the pod's ordinal is at or above the StatefulSet's desired replicas, and restarts it in place
 * otherwise, also when the API cannot tell.
 */
class PreStopHookTest {

    private static final String SCALE = "/apis/apps/v1/namespaces/dht/statefulsets/dht-node/scale";
    private static final String SERVICE_ACCOUNT_TOKEN = "service-account-" + ClusterTokenFile.random();
    private static final String CLUSTER_TOKEN = ClusterTokenFile.random();
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    static Path rendering;
    private static String script;

    @TempDir
    Path work;
    private final WireMockServer api = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
    private final WireMockServer node = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());

    @BeforeAll
    static void renderTheHook() {
        ClusterTokenFile.copy(Checkout.path("deploy/k8s"), rendering, ClusterTokenFile.random());
        ConfigMap hooks = Manifests.read(Kustomize.render(rendering)).get(ConfigMap.class, "dht-node-hooks");
        script = hooks.getData().get("pre-stop.sh");
        assertThat(script).as("the rendered hook is the checkout's node-pre-stop.sh")
                .isEqualTo(Checkout.read("deploy/k8s/node-pre-stop.sh"));
    }

    @BeforeEach
    void start() {
        api.start();
        node.start();
        node.stubFor(get("/actuator/health/liveness").willReturn(okJson("{\"status\":\"UP\"}")));
        node.stubFor(post("/admin/leave").willReturn(aResponse().withStatus(202)));
    }

    @AfterEach
    void stop() {
        api.stop();
        node.stop();
    }

    @ParameterizedTest(name = "dht-node-{0} of {1} replicas")
    @CsvSource({"0, 3", "1, 3", "2, 3", "4, 5"})
    void aPodTheStatefulSetKeepsRestartsInPlace(int ordinal, int replicas) {
        scaleAnswers(replicas);
        Hook hook = run("dht-node-" + ordinal, 100);
        assertThat(hook.exitCode()).isZero();
        assertThat(hook.log()).contains("restart in place");
        node.verify(0, postRequestedFor(urlEqualTo("/admin/leave")));
        // read with the pod's own service account token
        api.verify(1, getRequestedFor(urlEqualTo(SCALE))
                .withHeader("Authorization", equalTo("Bearer " + SERVICE_ACCOUNT_TOKEN)));
    }

    @ParameterizedTest(name = "dht-node-{0} of {1} replicas")
    @CsvSource({"2, 2", "3, 2", "0, 0"})
    void aPodAScaleDownRemovesLeavesTheRingAndWaitsUntilTheNodeStopped(int ordinal, int replicas) throws Exception {
        scaleAnswers(replicas);
        Process hook = start("dht-node-" + ordinal, 100);
        try {
            await().atMost(BOUND).untilAsserted(() -> node.verify(1, postRequestedFor(urlEqualTo("/admin/leave"))
                    .withHeader("Authorization", equalTo("Bearer " + CLUSTER_TOKEN))));
            assertThat(hook.isAlive()).as("the hook waits while the node still runs").isTrue();
            node.stop();
            assertThat(hook.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).as("the hook ended").isTrue();
        } finally {
            hook.destroyForcibly();
        }
        assertThat(hook.exitValue()).isZero();
        assertThat(log()).contains("leaving the ring").contains("the node left the ring and stopped");
    }

    @Test
    void aLeaveThatDoesNotFinishInTimeEndsTheWaitAndFailsTheHook() {
        scaleAnswers(2);
        Hook hook = run("dht-node-2", 1);
        assertThat(hook.exitCode()).isEqualTo(1);
        assertThat(hook.log()).contains("has not stopped within 1 s");
        node.verify(1, postRequestedFor(urlEqualTo("/admin/leave")));
    }

    @Test
    void aRefusedLeaveFailsTheHookWithoutWaiting() {
        scaleAnswers(2);
        node.stubFor(post("/admin/leave").willReturn(aResponse().withStatus(401)));
        Hook hook = run("dht-node-2", 100);
        assertThat(hook.exitCode()).isEqualTo(1);
        assertThat(hook.log()).contains("refused to leave").contains("401");
    }

    @ParameterizedTest(name = "the API answers {0}")
    @ValueSource(ints = {401, 403, 404, 500})
    void whenTheApiRefusesTheNodeRestartsInPlace(int status) {
        api.stubFor(get(SCALE).willReturn(aResponse().withStatus(status)));
        Hook hook = run("dht-node-2", 100);
        assertThat(hook.exitCode()).isZero();
        assertThat(hook.log()).contains("desired replicas are unknown").contains("restart in place");
        node.verify(0, postRequestedFor(urlEqualTo("/admin/leave")));
    }

    @Test
    void whenTheApiIsUnreachableTheNodeRestartsInPlace() {
        int closed = api.port();
        api.stop();
        Hook hook = run("dht-node-2", 100, "http://127.0.0.1:" + closed, "");
        assertThat(hook.exitCode()).isZero();
        assertThat(hook.log()).contains("desired replicas are unknown").contains("restart in place");
        node.verify(0, postRequestedFor(urlEqualTo("/admin/leave")));
    }

    /** As in a pod: HTTPS, trusting the API server's certificate through the mounted CA alone. */
    @Test
    void theApiIsReadOverHttpsTrustingTheMountedCertificateAuthority() {
        Path keystore = work.resolve("api.p12");
        String certificate = SelfSigned.create(keystore);
        WireMockServer https = new WireMockServer(options().bindAddress("127.0.0.1").httpDisabled(true)
                .dynamicHttpsPort().keystoreType("PKCS12").keystorePath(keystore.toString())
                .keystorePassword(SelfSigned.PASSWORD).keyManagerPassword(SelfSigned.PASSWORD));
        https.start();
        try {
            https.stubFor(get(SCALE).willReturn(okJson("{\"kind\":\"Scale\",\"spec\":{\"replicas\":2}}")));
            String url = "https://127.0.0.1:" + https.httpsPort();
            Hook untrusted = run("dht-node-2", 1, url, SelfSigned.create(work.resolve("other.p12")));
            assertThat(untrusted.exitCode()).isZero();
            assertThat(untrusted.log()).contains("desired replicas are unknown");
            node.verify(0, postRequestedFor(urlEqualTo("/admin/leave")));
            Hook trusted = run("dht-node-2", 1, url, certificate);
            assertThat(trusted.log()).contains("so the node is leaving the ring");
            node.verify(1, postRequestedFor(urlEqualTo("/admin/leave")));
        } finally {
            https.stop();
        }
    }

    @ParameterizedTest(name = "answer {0}")
    @ValueSource(strings = {"{\"kind\":\"Status\",\"status\":\"Failure\"}", "not json", ""})
    void anAnswerWithoutASpecRestartsInPlace(String body) {
        api.stubFor(get(SCALE).willReturn(aResponse().withStatus(200).withBody(body)));
        Hook hook = run("dht-node-2", 100);
        assertThat(hook.exitCode()).isZero();
        assertThat(hook.log()).contains("restart in place");
        node.verify(0, postRequestedFor(urlEqualTo("/admin/leave")));
    }

    @Test
    void aPodNameWithoutAnOrdinalRestartsInPlaceWithoutAskingTheApi() {
        scaleAnswers(0);
        Hook hook = run("dht-node", 100);
        assertThat(hook.exitCode()).isZero();
        assertThat(hook.log()).contains("has no StatefulSet ordinal");
        api.verify(0, getRequestedFor(urlEqualTo(SCALE)));
        node.verify(0, postRequestedFor(urlEqualTo("/admin/leave")));
    }

    /** The API's Scale as it serializes it: autoscaling/v1 leaves a count of 0 out. */
    private void scaleAnswers(int replicas) {
        String spec = replicas == 0 ? "{}" : "{\"replicas\":" + replicas + "}";
        api.stubFor(get(SCALE).willReturn(okJson("""
                {"kind":"Scale","apiVersion":"autoscaling/v1","metadata":{"name":"dht-node","namespace":"dht",\
                "annotations":{"last":"{\\"spec\\":{\\"replicas\\":9}}"}},"spec":%s,\
                "status":{"replicas":9,"selector":"app.kubernetes.io/name=dht-node"}}""".formatted(spec))));
    }

    private record Hook(int exitCode, String log) {
    }

    private Hook run(String pod, int leaveWaitSeconds) {
        return run(pod, leaveWaitSeconds, "http://127.0.0.1:" + api.port(), "");
    }

    private Hook run(String pod, int leaveWaitSeconds, String apiUrl, String certificateAuthority) {
        Process process = start(pod, leaveWaitSeconds, apiUrl, certificateAuthority);
        try {
            assertThat(process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)).as("the hook ended").isTrue();
            return new Hook(process.exitValue(), log());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            process.destroyForcibly();
        }
    }

    private Process start(String pod, int leaveWaitSeconds) {
        return start(pod, leaveWaitSeconds, "http://127.0.0.1:" + api.port(), "");
    }

    /** bash on the hook in an environment of the test's own, as a pod would run it, without the pause. */
    private Process start(String pod, int leaveWaitSeconds, String apiUrl, String certificateAuthority) {
        try {
            Path hook = Files.writeString(work.resolve("pre-stop.sh"), script);
            Path account = Files.createDirectories(work.resolve("serviceaccount"));
            Files.writeString(account.resolve("token"), SERVICE_ACCOUNT_TOKEN);
            Files.writeString(account.resolve("ca.crt"), certificateAuthority);
            Files.writeString(account.resolve("namespace"), "dht");
            ProcessBuilder builder = new ProcessBuilder("bash", hook.toString())
                    .redirectErrorStream(true).redirectOutput(work.resolve("output.txt").toFile());
            Map<String, String> environment = builder.environment();
            String path = environment.get("PATH");
            environment.clear();
            environment.putAll(Map.of("PATH", path, "POD_NAME", pod, "SERVER_PORT", String.valueOf(node.port()),
                    "DHT_SECURITY_CLUSTER_TOKEN", CLUSTER_TOKEN,
                    "DHT_PRE_STOP_PAUSE_SECONDS", "0",
                    "DHT_PRE_STOP_LEAVE_WAIT_SECONDS", String.valueOf(leaveWaitSeconds),
                    "DHT_PRE_STOP_KUBERNETES_API", apiUrl,
                    "DHT_PRE_STOP_SERVICE_ACCOUNT_DIR", account.toString(),
                    "DHT_PRE_STOP_LOG", work.resolve("hook.log").toString()));
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String log() {
        Path log = work.resolve("hook.log");
        String output = Checkout.read(work.resolve("output.txt"));
        return (Files.exists(log) ? Checkout.read(log) : "") + output;
    }

}
