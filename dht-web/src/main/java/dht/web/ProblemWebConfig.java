package dht.web;

import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** What both apps' web configurations import: problems for every error, strict request bodies, the socket's peer. */
@Configuration(proxyBeanMethods = false)
public class ProblemWebConfig {

    /** Errors the servlet container answers itself are problems too, without Boot's error details. */
    @Bean
    ProblemErrorController problemErrorController() {
        return new ProblemErrorController();
    }

    /** And so is what Tomcat refuses before any servlet runs. */
    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> problemReportValve() {
        return ProblemReportValve.installer();
    }

    /** Each request's connection peer, recorded before forwarded headers can rewrite it (protected mode judges it). */
    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> socketPeerRecorder() {
        return SocketPeer.recorder();
    }

    /** An OpenAPI group the app does not have is a 404 problem. */
    @Bean
    UnknownDocumentGroup unknownDocumentGroup() {
        return new UnknownDocumentGroup();
    }

    /** Request bodies with unknown fields are refused. */
    @Bean
    StrictJson strictJson(JsonMapper jsonMapper) {
        return new StrictJson(jsonMapper);
    }
}
