package dht.node.membership;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Operator commands for this node. */
@Tag(name = "Admin", description = "Operator commands for this node")
@RestController
class AdminController {

    private static final Logger log = LoggerFactory.getLogger(AdminController.class);

    private final ConfigurableApplicationContext context;
    private final LocalNode node;
    private final LeaveProcess leaveProcess;

    AdminController(ConfigurableApplicationContext context, LocalNode node, LeaveProcess leaveProcess) {
        this.context = context;
        this.node = node;
        this.leaveProcess = leaveProcess;
    }

    @Operation(summary = "Leave the ring gracefully and stop",
            description = "The node hands its keys to its predecessors, relinks its neighbors, deregisters and stops, "
                    + "whatever dht.leave-on-shutdown says (SIGTERM only stops it in place: DOWN, still a member). Follow "
                    + "the hand-over on the predecessor's /ring/events or this node's /actuator/ring.")
    @ApiResponse(responseCode = "202", description = "The leave has begun")
    @PostMapping("/admin/leave")
    ResponseEntity<Void> leave() {
        log.info("{} was asked to leave the ring", node.self().map(Object::toString).orElse("this node"));
        leaveProcess.requestLeave();
        Thread.ofPlatform().name("admin-leave").start(context::close);
        return ResponseEntity.accepted().build();
    }
}
