package dht.deploy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** deploy/docker/*.Dockerfile, checked without a Docker engine. */
class DockerfilesTest {

    static Stream<Arguments> dockerfiles() {
        return Stream.of(
                Arguments.of("deploy/docker/registry.Dockerfile", App.REGISTRY),
                Arguments.of("deploy/docker/node.Dockerfile", App.NODE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dockerfiles")
    void dockerfileIsValid(String file, App app) {
        assertThat(DockerfileChecks.validate(Checkout.read(file), app, jarOf(app), Checkout.root())).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dockerfiles")
    void theBuildContextKeepsTheJar(String file, App app) {
        String ignore = Checkout.read(file + ".dockerignore");
        assertThat(ignore.lines()).contains("*", "!" + app.name() + "/target/*-exec.jar");
    }

    /** Each change, made on its own in a copy of each Dockerfile, makes the validation fail. */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "HEALTHCHECK|HEALTHCHEK",
            "ENTRYPOINT|ENTRYPIONT",
            "/actuator/health/liveness|/actuator/health/live",
            "localhost:${SERVER_PORT}|localhost:8080",
            "USER 10001:10001|USER root",
            "-XX:MaxRAMPercentage=|-XX:MaxRAM=",
            "eclipse-temurin:21-jre\\n|eclipse-temurin:21-jdk\\n",
            "COPY --from=layers /build/extracted/application/ ./|COPY --from=layers /build/extracted/application/ ./lib/",
            "[\"java\", \"-jar\", \"application.jar\"]|java -jar application.jar",
            "-exec.jar|.jar",
    })
    void aMistakeFailsValidation(String right, String wrong) {
        dockerfiles().forEach(arguments -> {
            String file = (String) arguments.get()[0];
            App app = (App) arguments.get()[1];
            Mutations.assertEachRejected(Checkout.read(file), right.replace("\\n", "\n"),
                    wrong == null ? "" : wrong.replace("\\n", "\n"),
                    copy -> DockerfileChecks.validate(copy, app, jarOf(app), Checkout.root()), problem -> true);
        });
    }

    /** The jar the module's build makes: {@code <module>/target/<module>-<version>-exec.jar}. */
    static String jarOf(App app) {
        String pom = Checkout.read("pom.xml");
        Matcher version = Pattern.compile("<artifactId>dht-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(version.find()).as("the parent pom's version").isTrue();
        assertThat(Checkout.read(Path.of(app.name(), "pom.xml").toString())).contains("<classifier>exec</classifier>");
        return app.name() + "/target/" + app.name() + "-" + version.group(1) + "-exec.jar";
    }
}
