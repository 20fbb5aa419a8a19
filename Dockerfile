# Build: the same wrapper and formatter check as a developer's ./mvnw -B verify, without the tests
# (they need the brokers; CI runs them).
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn .mvn
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY config config
COPY src src
RUN ./mvnw -B -q -DskipTests package && cp target/quckchat-router-*.jar /src/router.jar

# Run: a JRE only, as a non-root user, routes and settings as plain files next to the jar.
FROM eclipse-temurin:17-jre-alpine
RUN addgroup -S router && adduser -S -G router router
WORKDIR /app
COPY --from=build /src/router.jar /app/router.jar
COPY config /app/config
COPY routes /app/routes
USER router
EXPOSE 8080
# Heap within a 512 MB container budget; the router keeps events in flight, not history.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError"
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD wget -q -O /dev/null http://127.0.0.1:8080/actuator/health/liveness || exit 1
ENTRYPOINT ["java", "-jar", "/app/router.jar"]
