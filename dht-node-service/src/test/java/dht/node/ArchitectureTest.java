package dht.node;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import dht.core.ArchitectureRules;
import dht.core.Key;
import dht.core.Ring;
import dht.core.RingPosition;
import dht.node.peer.PeerClient;
import dht.node.peer.RegistryClient;
import dht.node.storage.KeyLocks;
import dht.node.storage.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.RestController;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The node's packages form no cycle, and its controllers stay thin: they call services, never storage or peers. */
class ArchitectureTest {

    private final JavaClasses node = ArchitectureRules.productionClasses("dht.node");

    @Test
    void noPackageCycles() {
        ArchitectureRules.noPackageCycles().check(node);
    }

    @Test
    void controllersDoNotReachPastTheirService() {
        DescribedPredicate<JavaClass> storageOrPeers = assignableTo(KeyValueStore.class).or(assignableTo(KeyLocks.class))
                .or(assignableTo(PeerClient.class)).or(assignableTo(RegistryClient.class))
                .as("are the store, the key locks or clients of peers and the registry");
        noClasses().that().areAnnotatedWith(RestController.class).should().dependOnClassesThat(storageOrPeers).check(node);
    }

    /**
     * A key is checked and hashed once, where its request comes in (the controller makes a {@link Key});
     * from there on its position travels with it, through routing, forwarding, quorums and replicas.
     */
    @Test
    void aKeyIsHashedOnceWhereItsRequestComesIn() {
        noClasses().should().callMethod(RingPosition.class, "ofKey", String.class)
                .orShould().callMethod(Ring.class, "ownerOfKey", String.class).check(node);
        noClasses().that().areNotAnnotatedWith(RestController.class)
                .should().callMethod(Key.class, "of", String.class).check(node);
    }

    /**
     * The protocol speaks in domain terms (PeerFailure, Refusal): statuses and problem bodies belong
     * to the HTTP clients, the controllers and the web edge alone.
     */
    @Test
    void theProtocolKnowsNoStatusCodes() {
        noClasses().that().resideInAnyPackage("dht.node.membership..", "dht.node.transfer..", "dht.node.replication..",
                        "dht.node.storage..", "dht.node.telemetry..", "dht.node.peer..")
                .and().areNotAnnotatedWith(RestController.class)
                .and().haveSimpleNameNotStartingWith("Http")
                .should().dependOnClassesThat().haveFullyQualifiedName("org.springframework.http.HttpStatus")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.springframework.http.HttpStatusCode")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.springframework.web.ErrorResponseException")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.springframework.http.ProblemDetail")
                .check(node);
    }
}
