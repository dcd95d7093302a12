package dht.node.peer;

import dht.node.config.NodeProperties;
import dht.node.security.SecurityProperties;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

@Configuration(proxyBeanMethods = false)
class PeerClientConfig {

    /** Bounds the requests in flight to one peer; more wait for a connection. */
    private static final int CONNECTIONS_PER_PEER = 256;

    /**
     * Every call this node makes (to other nodes and to the registry) carries the cluster token,
     * when there is one: applied to the injected builder that each client below is cloned from.
     */
    @Bean
    RestClientCustomizer clusterToken(SecurityProperties security) {
        return builder -> {
            if (security.hasClusterToken()) {
                builder.defaultHeader(HttpHeaders.AUTHORIZATION, "Bearer " + security.clusterToken());
            }
        };
    }

    /**
     * Pooled keep-alive HTTP/1.1 connections (Apache HttpClient: a blocking call on the caller's
     * virtual thread, no selector thread and no hand-offs between threads), enough of them per peer
     * for every request in flight, timeouts from {@code dht.connect-timeout} and
     * {@code dht.request-timeout}, and TLS with {@code dht.security.peer-ssl-bundle} when it is set.
     */
    @Bean
    ClientHttpRequestFactory peerRequestFactory(NodeProperties properties, SecurityProperties security, SslBundles sslBundles) {
        return pooled(tls(security, sslBundles), properties.connectTimeout(), properties.requestTimeout());
    }

    /**
     * With a peer SSL bundle, its trust material decides which servers are nodes and its key, if it
     * has one, is the client certificate for peers that ask for one; an {@code http://} URL (a
     * registry without TLS) is still called in the clear.
     */
    private static HttpClientSettings tls(SecurityProperties security, SslBundles sslBundles) {
        return security.callsPeersOverTls()
                ? HttpClientSettings.ofSslBundle(sslBundles.getBundle(security.peerSslBundle()))
                : HttpClientSettings.defaults();
    }

    private static ClientHttpRequestFactory pooled(HttpClientSettings tls, Duration connectTimeout, Duration readTimeout) {
        return ClientHttpRequestFactoryBuilder.httpComponents()
                // retries are decided per call (only what is idempotent for the ring, see HttpPeerClient)
                .withHttpClientCustomizer(HttpClientBuilder::disableAutomaticRetries)
                .withConnectionManagerCustomizer(pool -> pool
                        .setMaxConnPerRoute(CONNECTIONS_PER_PEER)
                        .setMaxConnTotal(CONNECTIONS_PER_PEER * 16))
                // a connection the peer closed while idle is found out before it is used
                .withConnectionConfigCustomizer(connection -> connection
                        .setValidateAfterInactivity(TimeValue.ofSeconds(1)))
                // waiting for a free connection counts against the same deadline as the answer
                .withDefaultRequestConfigCustomizer(request -> request
                        .setConnectionRequestTimeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS))
                .build(tls.withTimeouts(connectTimeout, readTimeout));
    }

    /** For calls to other nodes; the injected builder is a prototype, so cloning keeps it clean. */
    @Bean
    RestClient peerRestClient(RestClient.Builder builder, ClientHttpRequestFactory peerRequestFactory) {
        return builder.clone().requestFactory(peerRequestFactory).build();
    }

    /** For liveness probes, with {@code dht.probe-timeout} as both timeouts. */
    @Bean
    RestClient probeRestClient(RestClient.Builder builder, NodeProperties properties, SecurityProperties security,
                               SslBundles sslBundles) {
        return builder.clone()
                .requestFactory(pooled(tls(security, sslBundles), properties.probeTimeout(), properties.probeTimeout()))
                .build();
    }

    /** For calls to the registry, rooted at {@code dht.registry-url} ({@code https://} with the peer SSL bundle's trust). */
    @Bean
    RestClient registryRestClient(RestClient.Builder builder, ClientHttpRequestFactory peerRequestFactory,
                                  NodeProperties properties) {
        return builder.clone().requestFactory(peerRequestFactory).baseUrl(properties.registryUrl().toString()).build();
    }
}
