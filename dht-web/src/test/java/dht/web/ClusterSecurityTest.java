package dht.web;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.StrictHttpFirewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClusterSecurityTest {

    private static final String PROPERTY = "dht.security.cluster-token";

    @Test
    void aShortTokenIsRefusedByNameWithoutItsValue() {
        assertThatThrownBy(() -> ClusterSecurity.strongToken(PROPERTY, "s3cret-but-short"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(PROPERTY).hasMessageContaining("32")
                .hasMessageNotContaining("s3cret-but-short");
    }

    @Test
    void theShippedPlaceholdersAreRefused() {
        for (String placeholder : new String[]{"change-me", "change-me-before-production", "CHANGE-ME"}) {
            assertThatThrownBy(() -> ClusterSecurity.strongToken(PROPERTY, placeholder))
                    .as(placeholder).hasMessageContaining("placeholder");
        }
    }

    @Test
    void theLineBreakAtTheEndOfATokenFileIsNoPartOfTheToken() {
        assertThat(ClusterSecurity.strongToken(PROPERTY, "0123456789abcdef0123456789abcdef\n")).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(ClusterSecurity.strongToken(PROPERTY, " \n")).isNull();
    }

    @Test
    void aLongTokenOrNoneAtAllIsAccepted() {
        assertThatCode(() -> ClusterSecurity.strongToken(PROPERTY, "0123456789abcdef0123456789abcdef")).doesNotThrowAnyException();
        assertThatCode(() -> ClusterSecurity.strongToken(PROPERTY, null)).doesNotThrowAnyException();
        assertThatCode(() -> ClusterSecurity.strongToken(PROPERTY, "")).doesNotThrowAnyException();
    }

    @Test
    void protectedModeIsRefusedOnKubernetes() {
        MockEnvironment kubernetes = new MockEnvironment().withProperty("spring.main.cloud-platform", "kubernetes");

        assertThatThrownBy(() -> new ClusterSecurity(null).refuseProtectedModeOnKubernetes(kubernetes))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("DHT_SECURITY_CLUSTER_TOKEN");
        assertThatCode(() -> new ClusterSecurity("0123456789abcdef0123456789abcdef").refuseProtectedModeOnKubernetes(kubernetes))
                .doesNotThrowAnyException();
        assertThatCode(() -> new ClusterSecurity(null).refuseProtectedModeOnKubernetes(new MockEnvironment()))
                .doesNotThrowAnyException();
    }

    @Test
    void keysWithEncodedControlCharactersGetThrough() {
        StrictHttpFirewall firewall = ClusterSecurity.firewall();
        for (String encoded : new String[]{"tab%09and%0Anewline", "cr%0Dlf%0A", "line%E2%80%A8separator", "para%E2%80%A9graph"}) {
            assertThatCode(() -> firewall.getFirewalledRequest(keyRequest(encoded))).as(encoded).doesNotThrowAnyException();
        }
    }

    @Test
    void theFirewallsOtherProtectionsHold() {
        StrictHttpFirewall firewall = ClusterSecurity.firewall();
        assertThatThrownBy(() -> firewall.getFirewalledRequest(keyRequest("nul%00byte"))).isInstanceOf(RequestRejectedException.class);
        MockHttpServletRequest traversal = new MockHttpServletRequest("GET", "/keys/../internal/join");
        traversal.setServletPath("/keys/../internal/join");
        assertThatThrownBy(() -> firewall.getFirewalledRequest(traversal)).isInstanceOf(RequestRejectedException.class);
        MockHttpServletRequest badMethod = keyRequest("k");
        badMethod.setMethod("TRACK");
        assertThatThrownBy(() -> firewall.getFirewalledRequest(badMethod)).isInstanceOf(RequestRejectedException.class);
    }

    /** A key request as Tomcat hands it over: the URI as sent, the path decoded. */
    private static MockHttpServletRequest keyRequest(String encodedKey) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/keys/" + encodedKey);
        request.setServletPath("/keys/" + java.net.URLDecoder.decode(encodedKey.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8));
        return request;
    }
}
