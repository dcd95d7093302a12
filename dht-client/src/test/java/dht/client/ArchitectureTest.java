package dht.client;

import com.tngtech.archunit.core.domain.JavaClasses;
import dht.core.ArchitectureRules;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

class ArchitectureTest {

    private static final JavaClasses CLIENT = ArchitectureRules.productionClasses("dht.client");

    @Test
    void noPackageCycles() {
        ArchitectureRules.noPackageCycles().check(CLIENT);
    }

    @Test
    void theClientNeedsNoSpring() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "dht.node..", "dht.registry..", "dht.web..")
                .check(CLIENT);
    }
}
