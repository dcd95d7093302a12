package dht.cli;

import dht.client.DhtClient;
import dht.client.Json;
import dht.core.wire.KeyPage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ls", description = "List the live keys that start with PREFIX (all keys without one), one per line, in ring "
        + "order, through any live node (GET /keys), page after page until the end of the ring; with --output json, "
        + "each key as a JSON string on a line of its own.")
final class ListCommand extends ClusterCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "PREFIX", description = "Only keys that start with this.")
    String prefix = "";

    @Option(names = {"-n", "--limit"}, paramLabel = "N", description = "Keys per request, 1 to 1000 (default: ${DEFAULT-VALUE}); "
            + "every page is listed whatever it is.")
    int limit = DhtClient.MAX_PAGE;

    @Override
    public Integer call() {
        if (limit < 1 || limit > DhtClient.MAX_PAGE) {
            throw CliException.usage("--limit must be 1 to " + DhtClient.MAX_PAGE);
        }
        String cursor = null;
        do {
            KeyPage page = client().list(prefix, limit, cursor);
            for (String key : page.keys()) {
                streams().out().println(json() ? Json.MAPPER.writeValueAsString(key) : key);
            }
            cursor = page.cursor();
        } while (cursor != null);
        streams().out().flush();
        return Exit.OK;
    }
}
