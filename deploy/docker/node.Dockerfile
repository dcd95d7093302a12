# syntax=docker/dockerfile:1
# A DHT node from the jar that `./mvnw package` builds, as Spring Boot's layers so that a rebuild
# after a code change only replaces the small application layer.
#   ./mvnw -B package -DskipTests
#   docker build -f deploy/docker/node.Dockerfile -t dht-node:0.1.0-SNAPSHOT .
# (run from the repository root, which is the build context; node.Dockerfile.dockerignore keeps
# the context down to the jar)

FROM eclipse-temurin:21-jre AS layers
WORKDIR /build
ARG JAR_FILE=dht-node-service/target/dht-node-service-0.1.0-SNAPSHOT-exec.jar
COPY ${JAR_FILE} application.jar
RUN java -Djarmode=tools -jar application.jar extract --layers --destination extracted \
        --application-filename application.jar

FROM eclipse-temurin:21-jre
# a user of its own; the data folder (dht.data-dir) belongs to it. curl, which the HEALTHCHECK
# uses, comes with the eclipse-temurin images.
RUN groupadd --gid 10001 dht \
    && useradd --uid 10001 --gid dht --no-create-home --home-dir /app --shell /usr/sbin/nologin dht \
    && mkdir -p /var/lib/dht \
    && chown dht:dht /var/lib/dht
WORKDIR /app
# least to most often changed
COPY --from=layers /build/extracted/dependencies/ ./
COPY --from=layers /build/extracted/spring-boot-loader/ ./
COPY --from=layers /build/extracted/snapshot-dependencies/ ./
COPY --from=layers /build/extracted/application/ ./
USER 10001:10001
# the heap follows the container's memory limit: half of it, since the JVM's own memory (about
# 170 MiB) and RocksDB's (memtables, block cache) lie outside the heap and count against the limit
# too (as in deploy/local/node-memory.sh); an OutOfMemoryError ends the process so that the
# container is restarted instead of limping on; two glibc arenas instead of one per thread
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=50 -XX:InitialRAMPercentage=25 -XX:+ExitOnOutOfMemoryError" \
    MALLOC_ARENA_MAX=2 \
    SERVER_PORT=50001 \
    DHT_DATA_DIR=/var/lib/dht
VOLUME /var/lib/dht
EXPOSE 50001
# liveness only: a node that is still joining is alive, not yet ready
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null "http://localhost:${SERVER_PORT}/actuator/health/liveness" || exit 1
# exec form: java is PID 1 and gets the SIGTERM itself, which stops the node gracefully (without
# leaving the ring, unless DHT_LEAVE_ON_SHUTDOWN=true)
ENTRYPOINT ["java", "-jar", "application.jar"]
