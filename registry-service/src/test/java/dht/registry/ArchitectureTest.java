package dht.registry;

import dht.core.ArchitectureRules;
import org.junit.jupiter.api.Test;

class ArchitectureTest {

    @Test
    void noPackageCycles() {
        ArchitectureRules.noPackageCycles().check(ArchitectureRules.productionClasses("dht.registry"));
    }
}
