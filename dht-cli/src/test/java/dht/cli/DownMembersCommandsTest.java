package dht.cli;

import dht.core.RingPosition;
import dht.testkit.TestCluster;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A node stopped in place is DOWN in dhtctl's ring, and dhtctl remove takes it out of the ring for good. */
class DownMembersCommandsTest {

    @AutoClose
    private TestCluster cluster;

    @Test
    void theRingShowsADownMemberAndRemoveTakesItOut() {
        cluster = TestCluster.builder().nodes(3).build();
        String registry = cluster.registryUrl();
        int stopped = cluster.indexes().get(1);
        RingPosition id = cluster.node(stopped).ref().id();
        cluster.stopInPlace(stopped);

        Cli.Result ring = Cli.run("--registry", registry, "ring");

        assertThat(ring.exit()).as(ring.toString()).isZero();
        List<String> rows = ring.out().lines().filter(line -> line.matches("^[0-9a-f]{16} .*")).toList();
        assertThat(rows).hasSize(3);
        assertThat(rows).filteredOn(row -> row.startsWith(id.toString())).singleElement().asString().contains(" DOWN ");
        BigDecimal total = rows.stream().map(row -> new BigDecimal(row.replaceAll(".*\\s(\\d+\\.\\d\\d)%.*", "$1")))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(total).isEqualByComparingTo("100.00");
        assertThat(ring.out()).contains("1 DOWN");

        Cli.Result remove = Cli.run("--registry", registry, "remove", id.toString());

        assertThat(remove.exit()).as(remove.toString()).isZero();
        assertThat(remove.out()).contains(id + " ").contains("removed from the ring; it was DOWN");
        cluster.awaitRemoved(id, Duration.ofSeconds(10));
        Cli.Result again = Cli.run("--registry", registry, "remove", id.toString());
        assertThat(again.exit()).isEqualTo(Exit.FAILED);
        assertThat(again.stderr()).contains("does not list " + id);
    }
}
