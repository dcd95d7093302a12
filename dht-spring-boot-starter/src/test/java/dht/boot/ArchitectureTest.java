package dht.boot;

import com.tngtech.archunit.core.domain.JavaClasses;
import dht.core.ArchitectureRules;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

class ArchitectureTest {

    private static final JavaClasses STARTER = ArchitectureRules.productionClasses("dht.boot");

    @Test
    void noPackageCycles() {
        ArchitectureRules.noPackageCycles().check(STARTER);
    }

    @Test
    void theStarterBuildsOnTheClientAloneNotOnTheServices() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dht.node..", "dht.registry..", "dht.web..").check(STARTER);
    }
}
