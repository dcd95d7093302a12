package dht.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/grafana/dht-dashboard.json: a dashboard Grafana can import, whose queries use only the
 * metrics the apps export (deploy/checks/http-examples.sh also checks the names against a running
 * cluster's /actuator/prometheus).
 */
class GrafanaDashboardTest {

    /** What /actuator/prometheus of the registry and the nodes export, by name. */
    static final Set<String> EXPORTED = Set.of("dht_requests_total", "dht_forwards_total", "dht_request_hops_bucket",
            "dht_request_hops_count", "dht_request_hops_sum", "dht_request_hops_max", "dht_keys",
            "dht_keys_transferred_total", "dht_ring_nodes", "http_server_requests_seconds_bucket",
            "http_server_requests_seconds_count", "http_server_requests_seconds_sum", "http_server_requests_seconds_max");
    private static final Pattern METRIC = Pattern.compile("\\b((?:dht|http_server)_[a-z_]+)\\b");
    private static final Pattern VARIABLE = Pattern.compile("\\$(?:\\{)?([A-Za-z_]\\w*)");

    private final JsonNode dashboard = read();

    private static JsonNode read() {
        try {
            return new ObjectMapper().readTree(Checkout.read("deploy/grafana/dht-dashboard.json"));
        } catch (IOException e) {
            throw new IllegalStateException("deploy/grafana/dht-dashboard.json is not JSON", e);
        }
    }

    @Test
    void isADashboardGrafanaCanImport() {
        assertThat(dashboard.path("title").asText()).isNotBlank();
        assertThat(dashboard.path("uid").asText()).matches("[a-zA-Z0-9_-]{1,40}");
        assertThat(dashboard.path("schemaVersion").isInt()).isTrue();
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertThat(ids.add(panel.path("id").asInt())).as("panel id %s unique", panel.path("id")).isTrue();
            assertThat(panel.path("type").asText()).isIn("row", "timeseries", "stat", "bargauge");
            for (String field : List.of("x", "y", "w", "h")) {
                assertThat(panel.path("gridPos").path(field).isInt()).as("%s gridPos.%s", panel.path("title"), field).isTrue();
            }
            assertThat(panel.path("gridPos").path("x").asInt() + panel.path("gridPos").path("w").asInt()).isLessThanOrEqualTo(24);
        }
    }

    @Test
    void queriesUseOnlyExportedMetricsAndDefinedVariables() {
        Set<String> variables = new HashSet<>(Set.of("__rate_interval", "__interval", "__range"));
        dashboard.path("templating").path("list").forEach(v -> variables.add(v.path("name").asText()));
        for (String expression : expressions()) {
            assertThat(balanced(expression)).as("brackets of %s", expression).isTrue();
            Matcher metric = METRIC.matcher(expression);
            while (metric.find()) {
                assertThat(EXPORTED).as("metric in %s", expression).contains(metric.group(1));
            }
            Matcher variable = VARIABLE.matcher(expression);
            while (variable.find()) {
                assertThat(variables).as("variable in %s", expression).contains(variable.group(1));
            }
        }
    }

    @Test
    void showsRequestRateLatencyHopsKeysPerNodeAndTransfers() {
        List<String> expressions = expressions();
        assertThat(expressions).anyMatch(e -> e.contains("sum by (operation, outcome) (rate(dht_requests_total"));
        assertThat(expressions).anyMatch(e -> e.contains("histogram_quantile(0.99") && e.contains("http_server_requests_seconds_bucket"));
        assertThat(expressions).anyMatch(e -> e.contains("histogram_quantile(0.95") && e.contains("dht_request_hops_bucket"));
        assertThat(expressions).anyMatch(e -> e.contains("sum by (instance) (dht_keys"));
        assertThat(expressions).anyMatch(e -> e.contains("rate(dht_keys_transferred_total"));
    }

    private List<String> expressions() {
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.add(target.path("expr").asText());
            }
        }
        assertThat(expressions).isNotEmpty().doesNotContain("");
        return expressions;
    }

    private static boolean balanced(String expression) {
        int round = 0;
        int curly = 0;
        int square = 0;
        boolean quoted = false;
        for (char c : expression.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted) {
                switch (c) {
                    case '(' -> round++;
                    case ')' -> round--;
                    case '{' -> curly++;
                    case '}' -> curly--;
                    case '[' -> square++;
                    case ']' -> square--;
                    default -> { }
                }
                if (round < 0 || curly < 0 || square < 0) {
                    return false;
                }
            }
        }
        return round == 0 && curly == 0 && square == 0 && !quoted;
    }
}
