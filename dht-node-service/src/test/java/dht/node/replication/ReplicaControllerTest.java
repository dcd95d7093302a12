package dht.node.replication;

import dht.core.RingPosition;
import dht.core.Version;
import dht.core.wire.CopyAnswer;
import dht.core.wire.CopyAnswers;
import dht.core.wire.Entry;
import dht.core.wire.EntryCodec;
import dht.core.wire.Wanted;
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
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

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

    @Test
    void aReadAnswersEachKeyAgainstTheVersionTheAskerHolds() throws IOException {
        Version held = new Version(7, RingPosition.MIN);
        Entry same = new Entry("same", "kept here".getBytes(StandardCharsets.UTF_8), "text/plain", held);
        Entry newer = new Entry("newer", "sent whole".getBytes(StandardCharsets.UTF_8), "text/plain", held);
        when(copies.answer(List.of(new Wanted("same", held), new Wanted("absent", null), new Wanted("newer", new Version(6, RingPosition.MIN)))))
                .thenReturn(List.of(CopyAnswer.of(Optional.of(same), held), CopyAnswer.of(Optional.empty(), null),
                        CopyAnswer.of(Optional.of(newer), new Version(6, RingPosition.MIN))));

        byte[] body = mvc.post().uri("/internal/replicas/read").contentType(MediaType.APPLICATION_JSON)
                .content("[{\"key\":\"same\",\"known\":\"" + held + "\"},{\"key\":\"absent\"},"
                        + "{\"key\":\"newer\",\"known\":\"" + new Version(6, RingPosition.MIN) + "\"}]")
                .exchange().getResponse().getContentAsByteArray();

        List<CopyAnswer> answers = CopyAnswers.fromBytes(body, 3, 1024);
        assertThat(answers).extracting(CopyAnswer::kind)
                .containsExactly(CopyAnswer.Kind.SAME, CopyAnswer.Kind.ABSENT, CopyAnswer.Kind.COPY);
        assertThat(answers.get(2).copy().version()).isEqualTo(held);
        assertThat(answers.get(2).copy().value()).isEqualTo(newer.value());
        assertThat(answers.get(0).copyGiven(Optional.of(same))).containsSame(same);
    }
}
