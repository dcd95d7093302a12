package dht.cluster;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;

import java.net.URI;

/** A client of the public {@code /keys} API that answers every status instead of throwing. */
final class KeyClient {

    private final RestClient http;

    KeyClient(RestClient http) {
        this.http = http;
    }

    ResponseEntity<byte[]> put(String nodeUrl, String key, byte[] value, MediaType contentType) {
        return http.put().uri(uri(nodeUrl, key)).contentType(contentType).body(value)
                .exchange((request, response) -> toEntity(response));
    }

    ResponseEntity<byte[]> get(String nodeUrl, String key) {
        return http.get().uri(uri(nodeUrl, key)).exchange((request, response) -> toEntity(response));
    }

    /** A read that consults {@code copies} copies ({@code ?r=}). */
    ResponseEntity<byte[]> get(String nodeUrl, String key, int copies) {
        URI uri = UriComponentsBuilder.fromUri(uri(nodeUrl, key)).queryParam("r", copies).build(true).toUri();
        return http.get().uri(uri).exchange((request, response) -> toEntity(response));
    }

    /** Sends {@code request} with its method, query and headers as given, for conditions and quorums. */
    ResponseEntity<byte[]> exchange(RestClient.RequestHeadersSpec<?> request) {
        return request.exchange((req, response) -> toEntity(response));
    }

    ResponseEntity<byte[]> delete(String nodeUrl, String key) {
        return http.delete().uri(uri(nodeUrl, key)).exchange((request, response) -> toEntity(response));
    }

    private static ResponseEntity<byte[]> toEntity(RestClient.RequestHeadersSpec.ConvertibleClientHttpResponse response)
            throws java.io.IOException {
        HttpHeaders headers = new HttpHeaders();
        headers.putAll(response.getHeaders());
        return ResponseEntity.status(response.getStatusCode()).headers(headers).body(response.getBody().readAllBytes());
    }

    static URI uri(String nodeUrl, String key) {
        return UriComponentsBuilder.fromUriString(nodeUrl).pathSegment("keys", key).build().encode().toUri();
    }
}
