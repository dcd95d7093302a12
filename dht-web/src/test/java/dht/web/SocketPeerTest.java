package dht.web;

import jakarta.servlet.http.HttpServletRequestWrapper;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** The connection's own peer decides, never what a forwarded header made of the remote address. */
class SocketPeerTest {

    @Test
    void theRecordedPeerWinsOverARewrittenRemoteAddress() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        // as Tomcat's RemoteIpValve leaves it after "X-Forwarded-For: 127.0.0.1" from 10.1.2.3
        request.setRemoteAddr("127.0.0.1");
        request.setAttribute(SocketPeer.ATTRIBUTE, "10.1.2.3");

        assertThat(SocketPeer.address(request)).isEqualTo("10.1.2.3");
        assertThat(SocketPeer.isLoopback(request)).isFalse();
    }

    @Test
    void withoutARecordTheInnermostRequestDecidesNotAWrapper() {
        MockHttpServletRequest request = new MockHttpServletRequest();
        request.setRemoteAddr("10.1.2.3");
        // as Spring's ForwardedHeaderFilter wraps it
        HttpServletRequestWrapper forwarded = new HttpServletRequestWrapper(request) {
            @Override
            public String getRemoteAddr() {
                return "127.0.0.1";
            }
        };

        assertThat(SocketPeer.isLoopback(forwarded)).isFalse();
    }

    @Test
    void loopbackIsLoopbackInEitherFamily() {
        for (String address : new String[]{"127.0.0.1", "127.0.0.2", "0:0:0:0:0:0:0:1", "::1"}) {
            MockHttpServletRequest request = new MockHttpServletRequest();
            request.setRemoteAddr(address);
            assertThat(SocketPeer.isLoopback(request)).as(address).isTrue();
        }
    }
}
