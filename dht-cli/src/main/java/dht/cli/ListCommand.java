package dht.cli;

import dht.core.wire.KeyPage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ls", description = "List the live keys that start with PREFIX (all keys without one), one per line, in ring "
        + "order, through a random live node (GET /keys), page after page until the end of the ring; with --output json, "
        + "each key as a JSON string on a line of its own.")
final class ListCommand extends ClusterCommand {

    @Parameters(index = "0", arity = "0..1", paramLabel = "PREFIX", description = "Only keys that start with this.")
    String prefix = "";

    @Option(names = {"-n", "--limit"}, paramLabel = "N", description = "Keys per request, 1 to 1000 (default: ${DEFAULT-VALUE}); "
            + "every page is listed whatever it is.")
    int limit = 1000;

    @Override
    public Integer call() {
        if (limit < 1 || limit > 1000) {
            throw CliException.usage("--limit must be 1 to 1000");
        }
        KeyClient keys = new KeyClient(cluster());
        String cursor = null;
        do {
            KeyClient.KeyReply reply = keys.list(prefix, limit, cursor);
            if (!reply.reply().ok()) {
                throw CliException.failed(reply.via().getAuthority() + " answered " + reply.reply().describe());
            }
            KeyPage page = Json.read(reply.reply().body(), KeyPage.class, "a page of keys");
            for (String key : page.keys()) {
                streams().out().println(json() ? Json.compact(key) : key);
            }
            cursor = page.cursor();
        } while (cursor != null);
        streams().out().flush();
        return Exit.OK;
    }
}
