package dht.node.security;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** A node does not start with a cluster token anyone could know or guess. */
class SecurityPropertiesTest {

    @EnableConfigurationProperties(SecurityProperties.class)
    static class Config {
    }

    private final ApplicationContextRunner node = new ApplicationContextRunner().withUserConfiguration(Config.class);

    @Test
    void theShippedPlaceholderTokensAreRefused() {
        node.withPropertyValues("dht.security.cluster-token=change-me-before-production").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("dht.security.cluster-token").hasMessageContaining("placeholder"));
    }

    @Test
    void aTokenShorterThan32CharactersIsRefused() {
        node.withPropertyValues("dht.security.cluster-token=" + "x".repeat(31)).run(context ->
                assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("dht.security.cluster-token").hasMessageContaining("at least 32"));
    }

    @Test
    void a32CharacterTokenOrNoneStarts() {
        node.withPropertyValues("dht.security.cluster-token=" + "x".repeat(32)).run(context -> assertThat(context).hasNotFailed());
        node.run(context -> assertThat(context).hasNotFailed());
    }
}
