package dht.node.replication;

import dht.core.wire.EntryCodec;
import dht.node.config.NodeProperties;
import dht.node.storage.Copies;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.assertj.MockMvcTester;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.verifyNoInteractions;

/** A replica batch claiming more entries than any sync page holds is refused before one is read. */
@WebMvcTest(controllers = ReplicaController.class)
class ReplicaControllerTest {

    @TestConfiguration
    @EnableConfigurationProperties(NodeProperties.class)
    static class Properties {
    }

    @Autowired
    MockMvcTester mvc;

    @MockitoBean
    Copies copies;

    @Test
    void aBatchOfMoreThan100000EntriesIsABadRequest() throws IOException {
        ByteArrayOutputStream batch = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(batch);
        data.write(EntryCodec.toBytes(List.of())[0]);
        data.writeInt(EntryCodec.MAX_BATCH_ENTRIES + 1);

        assertThat(mvc.post().uri("/internal/replicas").contentType(MediaType.valueOf(EntryCodec.MEDIA_TYPE)).content(batch.toByteArray()))
                .hasStatus(HttpStatus.BAD_REQUEST)
                .bodyJson().extractingPath("$.detail").asString().contains("at most 100000 entries");
        verifyNoInteractions(copies);
    }
}
