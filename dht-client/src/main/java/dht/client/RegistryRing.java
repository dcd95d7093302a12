package dht.client;

import dht.client.Transport.Reply;
import dht.client.Transport.Unreachable;
import dht.core.Ring;
import dht.core.wire.RingListing;
import tools.jackson.core.JacksonException;

import java.net.URI;

/**
 * The registry's ring ({@code GET /nodes}): every member at its ID and its virtual positions, as the
 * nodes themselves refresh their view of it. Members still joining are in it too, as in the nodes'
 * view; one that does not serve clients yet answers {@code 503} and the client tries the next replica.
 */
final class RegistryRing implements RingSource {

    private final URI registry;
    private final Transport transport;

    RegistryRing(URI registry, Transport transport) {
        this.registry = RingSource.baseUrl(registry);
        this.transport = transport;
    }

    @Override
    public Ring fetch() throws Unreachable {
        Reply reply = transport.send(transport.request(registry.resolve("/nodes")).header("Accept", "application/json").GET().build());
        if (!reply.successful()) {
            throw new Unreachable("the registry at " + registry + " answered " + reply.status() + " for its ring", false, null);
        }
        try {
            return Json.MAPPER.readValue(reply.body(), RingListing.class).ring();
        } catch (JacksonException | IllegalArgumentException | IllegalStateException e) {
            throw new Unreachable("the registry at " + registry + " answered a ring the client cannot read: " + e.getMessage(), false, e);
        }
    }

    @Override
    public URI urlOf(String address) {
        return URI.create(registry.getScheme() + "://" + address);
    }

    @Override
    public String describe() {
        return "the registry at " + registry;
    }
}
