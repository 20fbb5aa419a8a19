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
# A fixed numeric id, so that Kubernetes can check runAsNonRoot (deploy/kubernetes: runAsUser 10001).
RUN addgroup -S -g 10001 router && adduser -S -u 10001 -G router router
WORKDIR /app
COPY --from=build /src/router.jar /app/router.jar
COPY config /app/config
COPY routes /app/routes
USER 10001
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD wget -q -O /dev/null http://127.0.0.1:8080/actuator/health/liveness || exit 1
# Heap, GC and compiler settings: config/jvm.options (a 512 MB memory budget).
ENTRYPOINT ["java", "@/app/config/jvm.options", "-jar", "/app/router.jar"]
