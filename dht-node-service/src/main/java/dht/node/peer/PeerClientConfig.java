package dht.node.peer;

import dht.node.config.NodeProperties;
import dht.node.security.SecurityProperties;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import java.net.http.HttpClient;
import java.util.concurrent.Executors;

@Configuration(proxyBeanMethods = false)
class PeerClientConfig {

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
     * Pooled keep-alive HTTP/1.1 connections (no h2c upgrade attempts), blocking work on virtual
     * threads, and timeouts from {@code dht.connect-timeout} and {@code dht.request-timeout}.
     */
    @Bean
    ClientHttpRequestFactory peerRequestFactory(NodeProperties properties) {
        return ClientHttpRequestFactoryBuilder.jdk()
                .withExecutor(Executors.newVirtualThreadPerTaskExecutor())
                .withHttpClientCustomizer(client -> client.version(HttpClient.Version.HTTP_1_1))
                .build(HttpClientSettings.defaults()
                        .withTimeouts(properties.connectTimeout(), properties.requestTimeout()));
    }

    /** For calls to other nodes; the injected builder is a prototype, so cloning keeps it clean. */
    @Bean
    RestClient peerRestClient(RestClient.Builder builder, ClientHttpRequestFactory peerRequestFactory) {
        return builder.clone().requestFactory(peerRequestFactory).build();
    }

    /** For liveness probes, with {@code dht.probe-timeout} as both timeouts. */
    @Bean
    RestClient probeRestClient(RestClient.Builder builder, NodeProperties properties) {
        return builder.clone().requestFactory(ClientHttpRequestFactoryBuilder.jdk()
                .withHttpClientCustomizer(client -> client.version(HttpClient.Version.HTTP_1_1))
                .build(HttpClientSettings.defaults().withTimeouts(properties.probeTimeout(), properties.probeTimeout())))
                .build();
    }

    /** For calls to the registry, rooted at {@code dht.registry-url}. */
    @Bean
    RestClient registryRestClient(RestClient.Builder builder, ClientHttpRequestFactory peerRequestFactory,
                                  NodeProperties properties) {
        return builder.clone().requestFactory(peerRequestFactory).baseUrl(properties.registryUrl().toString()).build();
    }
}
