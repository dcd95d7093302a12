package dht.core;

import com.tngtech.archunit.core.domain.JavaClasses;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** dht-core stays plain Java: the ring, routing and wire records know nothing of Spring or HTTP. */
class ArchitectureTest {

    private final JavaClasses core = ArchitectureRules.productionClasses("dht.core");

    @Test
    void noPackageCycles() {
        ArchitectureRules.noPackageCycles().check(core);
    }

    @Test
    void onlyTheJdkAndAnnotationsForJsonAndValidation() {
        classes().should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dht.core..",
                "com.fasterxml.jackson.annotation..", "jakarta.validation.constraints..").check(core);
    }

    @Test
    void noHttpFromTheJdkEither() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("java.net.http..", "javax.net..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.net.HttpURLConnection").check(core);
    }
}
