package dht.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletRequestWrapper;
import jakarta.servlet.http.HttpServletRequest;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The address at the other end of the request's TCP connection, whatever forwarded headers say.
 * {@code getRemoteAddr()} is not that: Tomcat's {@code RemoteIpValve} (which Spring Boot turns on by
 * itself on Kubernetes and other platforms) and Spring's {@code ForwardedHeaderFilter} both replace
 * it with what {@code X-Forwarded-For} claims, so a caller could name itself {@code 127.0.0.1}.
 */
public final class SocketPeer {

    /** The request attribute the valve below records the connection's peer in. */
    static final String ATTRIBUTE = SocketPeer.class.getName();

    private SocketPeer() {
    }

    /** Installs the valve that records each request's connection peer before anything can rewrite it. */
    public static WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> recorder() {
        return factory -> factory.addEngineValves(new RecordingValve());
    }

    /**
     * The connection's peer address: as the valve recorded it; where no valve ran (a test's mock
     * request), the address of the innermost request, under any wrapper that rewrote it.
     */
    public static String address(HttpServletRequest request) {
        if (request.getAttribute(ATTRIBUTE) instanceof String recorded) {
            return recorded;
        }
        ServletRequest innermost = request;
        while (innermost instanceof ServletRequestWrapper wrapper) {
            innermost = wrapper.getRequest();
        }
        return innermost.getRemoteAddr();
    }

    public static boolean isLoopback(HttpServletRequest request) {
        String address = address(request);
        if (address == null) {
            return false;
        }
        try {
            // an IP literal from the connection: no name is looked up
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Tomcat's own peer address of the connection, which no other valve or filter changes. */
    static final class RecordingValve extends ValveBase {

        RecordingValve() {
            super(true);
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            request.setAttribute(ATTRIBUTE, request.getPeerAddr());
            getNext().invoke(request, response);
        }
    }
}
