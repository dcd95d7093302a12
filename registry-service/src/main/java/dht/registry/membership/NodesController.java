package dht.registry.membership;

import dht.core.NodeRef;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.core.wire.DownReport;
import dht.core.wire.Member;
import dht.core.wire.MemberState;
import dht.core.wire.OwnerAnswer;
import dht.core.wire.RegisterRequest;
import dht.core.wire.Registration;
import dht.core.wire.RingListing;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.nio.charset.StandardCharsets;

@RestController
@RequestMapping(path = "/nodes", produces = {MediaType.APPLICATION_JSON_VALUE, MediaType.APPLICATION_PROBLEM_JSON_VALUE})
class NodesController {

    /** What anyone calls: the ring read, a key's owner found, a node removed. */
    static final String NODES = "Nodes";
    /** What nodes call themselves as they join and leave (and announce, see AnnounceController): the internal group. */
    static final String MEMBERSHIP = "Internal: membership";

    private static final int MAX_KEY_BYTES = 1024;

    private final Membership membership;
    private final NodeProbe probe;

    NodesController(Membership membership, NodeProbe probe) {
        this.membership = membership;
        this.probe = probe;
    }

    @Tag(name = MEMBERSHIP, description = "Joins, leaves and announcements, as nodes make them")
    @Operation(summary = "Register a joining node",
            description = "Assigns the node its ID (SHA-256 of its address unless pinned) and names the neighbors it "
                    + "splices in between. Joins and leaves happen one at a time: the next waits until this node "
                    + "reports its join finished.")
    @ApiResponse(responseCode = "201", description = "Registered; splice in between predecessor and successor")
    @ApiResponse(responseCode = "400", description = "Malformed request", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "409", description = "Another live node holds that ID, or the node comes back from DOWN and the registry cannot reach it", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "503", description = "Another join or leave is in progress; retry after Retry-After", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Registration> register(@Valid @RequestBody RegisterRequest body) {
        requireReachableIfDown(body.address());
        Registration registration = membership.register(body.address(), body.id(), body.positionCount(), body.virtualPositions());
        return ResponseEntity
                .created(ServletUriComponentsBuilder.fromCurrentRequest().path("/{id}").build(registration.id().toString()))
                .body(registration);
    }

    /**
     * A DOWN member comes back only once the registry reaches it: a node cut off from the others that
     * can still call out would otherwise join back, be found DOWN again and again, and fail the
     * requests sent to it each time.
     */
    private void requireReachableIfDown(String address) {
        membership.members().stream()
                .filter(member -> member.address().equals(address) && member.state() == MemberState.DOWN)
                .findFirst()
                .filter(member -> !probe.answers(member.ref()))
                .ifPresent(member -> {
                    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "Node " + member.id() + " at "
                            + address + " is DOWN and the registry cannot reach it; it stays DOWN until it answers.");
                    problem.setTitle("Node unreachable");
                    problem.setProperty("id", member.id().toString());
                    throw new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
                });
    }

    @Tag(name = NODES, description = "The ring: its nodes, a key's owner, removing a node")
    @Operation(summary = "List the ring", description = "Every member sorted by ID, with its state: UP, JOINING, LEAVING, or DOWN (still a member at its positions, with downSince).")
    @ApiResponse(responseCode = "200", description = "The ring")
    @GetMapping
    RingListing ring() {
        return new RingListing(membership.members());
    }

    @Tag(name = NODES)
    @Operation(summary = "Show one node")
    @ApiResponse(responseCode = "200", description = "The node")
    @ApiResponse(responseCode = "400", description = "The ID is not 16 hex digits", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "404", description = "No such node", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @GetMapping("/{id}")
    Member node(@Parameter(description = "Node ID, 16 hex digits", example = "00c3f22a00000000") @PathVariable RingPosition id) {
        return membership.member(id).orElseThrow(() -> new UnknownNodeException(id, "is not in the ring"));
    }

    @Tag(name = NODES)
    @Operation(summary = "Find the owner of a key")
    @ApiResponse(responseCode = "200", description = "The key's position and owner")
    @ApiResponse(responseCode = "400", description = "Empty key or longer than 1024 bytes", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "503", description = "The ring has no nodes", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @GetMapping("/owner")
    OwnerAnswer owner(@Parameter(description = "Any key", example = "user:42") @RequestParam String key) {
        if (key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new ErrorResponseException(HttpStatus.BAD_REQUEST, ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    "A key is 1 to " + MAX_KEY_BYTES + " bytes of UTF-8."), null);
        }
        Ring ring = membership.ring();
        if (ring.isEmpty()) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, "The ring has no nodes yet.");
            problem.setTitle("Empty ring");
            throw new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, problem, null);
        }
        RingPosition position = RingPosition.ofKey(key);
        NodeRef owner = ring.ownerOf(position);
        return new OwnerAnswer(key, position, owner);
    }

    @Tag(name = MEMBERSHIP)
    @Operation(summary = "Report a join finished", description = "Sent by a node once it is linked in and holds its range.")
    @ApiResponse(responseCode = "204", description = "The node is in the ring")
    @ApiResponse(responseCode = "404", description = "The node has no join in progress", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping("/{id}/ready")
    ResponseEntity<Void> joined(@PathVariable RingPosition id) {
        membership.joined(id);
        return ResponseEntity.noContent().build();
    }

    @Tag(name = MEMBERSHIP)
    @Operation(summary = "Begin a graceful leave", description = "Holds other joins and leaves until the node is removed.")
    @ApiResponse(responseCode = "204", description = "The node may hand its keys over")
    @ApiResponse(responseCode = "404", description = "No such node", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "503", description = "Another join or leave is in progress", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping("/{id}/leave")
    ResponseEntity<Void> leaving(@PathVariable RingPosition id) {
        membership.leaving(id);
        return ResponseEntity.noContent().build();
    }

    @Tag(name = MEMBERSHIP)
    @Operation(summary = "Report a node down",
            description = "Sent by a node whose probes a neighbor stopped answering, or by a node itself as it stops "
                    + "without leaving. Another's report counts only if the registry cannot reach the node either. A DOWN "
                    + "node stays a member at its positions; its predecessors serve its range until it joins again in "
                    + "place, or it is removed (DELETE, or after dht.down-removal-timeout).")
    @ApiResponse(responseCode = "200", description = "The node is DOWN")
    @ApiResponse(responseCode = "404", description = "No such node", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "409", description = "The node answers the registry: it is not down", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @PostMapping(path = "/{id}/down", consumes = MediaType.APPLICATION_JSON_VALUE)
    Member down(@PathVariable RingPosition id, @Valid @RequestBody DownReport report) {
        Member member = membership.member(id).orElseThrow(() -> new UnknownNodeException(id, "is not in the ring"));
        boolean ownReport = id.equals(report.reporter());
        if (!ownReport && member.state() != MemberState.DOWN && probe.answers(member.ref())) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT,
                    "Node " + id + " at " + member.address() + " answers the registry; it stays up.");
            problem.setTitle("Node answers");
            problem.setProperty("id", id.toString());
            throw new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
        }
        return membership.markDown(id);
    }

    @Tag(name = NODES)
    @Operation(summary = "Remove a node", description = "The end of a graceful leave, or an operator's command.")
    @ApiResponse(responseCode = "204", description = "Removed")
    @ApiResponse(responseCode = "404", description = "No such node", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
    @DeleteMapping("/{id}")
    ResponseEntity<Void> remove(@PathVariable RingPosition id) {
        membership.remove(id);
        return ResponseEntity.noContent().build();
    }
}
