package io.quckchat.router.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quckchat.router.support.TestBrokers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The OpenAPI document and the code agree: topics, media type, header and batch item rules, error codes. */
class IngressContractTest {

    private final IngressContract contract = new IngressContract(new ObjectMapper());

    private static JsonNode document() throws IOException {
        return new ObjectMapper(new YAMLFactory())
                .readTree(IngressContract.class.getResourceAsStream(IngressContract.LOCATION));
    }

    @Test
    void documentListsExactlyTheTopicsThatHaveASchema() throws IOException {
        String description =
                document().at("/components/parameters/Topic/description").asText();
        Set<String> schemas;
        try (Stream<Path> files = Files.list(Path.of("config/schemas"))) {
            schemas = files.map(f -> f.getFileName().toString().replace(".schema.json", ""))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        assertThat(schemas).containsExactlyInAnyOrderElementsOf(TestBrokers.TOPICS);
        for (String topic : schemas) {
            assertThat(description).contains(topic);
            assertThat(contract.checkTopic(topic)).as(topic).isEmpty();
        }
    }

    @Test
    void topicPatternRejectsWhatIsNoTopicName() {
        for (String bad :
                new String[] {"message", "MESSAGE.SENT", "message..sent", ".x", "a b.c", "x".repeat(201) + ".y"}) {
            assertThat(contract.checkTopic(bad)).as(bad).isPresent();
        }
    }

    @Test
    void mediaTypeIsJsonInUtf8() {
        assertThat(contract.acceptsMediaType("application/json")).isTrue();
        assertThat(contract.acceptsMediaType("Application/JSON; charset=UTF-8")).isTrue();
        assertThat(contract.acceptsMediaType("application/json;charset=\"utf-8\""))
                .isTrue();
        assertThat(contract.acceptsMediaType("application/json; charset=iso-8859-1"))
                .isFalse();
        assertThat(contract.acceptsMediaType("text/plain")).isFalse();
        assertThat(contract.acceptsMediaType("application/x-www-form-urlencoded"))
                .isFalse();
        assertThat(contract.acceptsMediaType(null)).isFalse();
        assertThat(contract.acceptsMediaType(";;;"))
                .as("found by the fuzz test")
                .isFalse();
        assertThat(contract.acceptsMediaType("")).isFalse();
    }

    @Test
    void headersFollowTheDocumentsParameterSchemas() {
        assertThat(contract.checkIdempotencyKey("order-42/attempt")).isEmpty();
        assertThat(contract.checkIdempotencyKey("has space")).isPresent();
        assertThat(contract.checkIdempotencyKey("k".repeat(256))).isPresent();
        assertThat(contract.checkIdempotencyKey("")).isPresent();
        assertThat(contract.checkEventKey("tenant/u-1")).isEmpty();
        assertThat(contract.checkEventKey("")).isPresent();
        assertThat(contract.checkEventKey("k".repeat(257))).isPresent();
    }

    @Test
    void batchItemsFollowTheBatchItemSchema() throws IOException {
        ObjectMapper json = new ObjectMapper();
        assertThat(contract.checkBatchItem(json.readTree("{\"topic\":\"user.online\",\"payload\":{}}")))
                .isEmpty();
        assertThat(contract.checkBatchItem(json.readTree("{\"topic\":\"user.online\",\"key\":\"k\",\"payload\":{}}")))
                .isEmpty();
        assertThat(contract.checkBatchItem(json.readTree("{\"payload\":{}}")).orElseThrow()[0])
                .isEqualTo("$.topic");
        assertThat(contract.checkBatchItem(json.readTree("{\"topic\":\"user.online\",\"payload\":[]}"))
                        .orElseThrow()[0])
                .isEqualTo("$.payload");
        assertThat(contract.checkBatchItem(json.readTree("{\"topic\":\"user.online\",\"payload\":{},\"x\":1}")))
                .isPresent();
        assertThat(contract.checkBatchItem(json.readTree("42")).orElseThrow()[0])
                .isEqualTo("$");
    }

    @Test
    void everyProblemCodeTheCodeUsesIsDocumented() throws IOException {
        Set<String> documented = new TreeSet<>();
        document().at("/components/schemas/Problem/properties/code/enum").forEach(c -> documented.add(c.asText()));
        Set<String> used = new TreeSet<>();
        for (String file :
                new String[] {"Problem.java", "EventIngress.java", "IngressGate.java", "IdempotentRequests.java"}) {
            String source = Files.readString(Path.of("src/main/java/io/quckchat/router/ingress", file));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\b\\d{3},\\s*\"([a-z-]+)\"")
                    .matcher(source);
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        assertThat(used).isNotEmpty();
        assertThat(documented).containsAll(used);
    }

    @Test
    void documentIsServedAsJsonToo() throws IOException {
        JsonNode json = new ObjectMapper().readTree(contract.json());
        assertThat(json.path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(json.path("paths").has("/api/v1/events")).isTrue();
    }
}
