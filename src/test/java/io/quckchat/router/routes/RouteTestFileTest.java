package io.quckchat.router.routes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.junit.jupiter.api.Test;

/**
 * A bad test file gets one line per problem naming the file, the line, the field and what is wrong
 * (src/test/resources/route-tests-broken), never only a stack trace; its good cases still run.
 */
class RouteTestFileTest extends CamelTestSupport {

    private static final Path BROKEN = Path.of("src", "test", "resources", "route-tests-broken");

    private RouteSandbox sandbox;

    @Override
    protected CamelContext createCamelContext() throws Exception {
        CamelContext context = super.createCamelContext();
        Map<Path, String> brokenRoutes = new LinkedHashMap<>();
        sandbox = RouteCasesTest.sandbox(context, RouteCasesTest.ROUTES, brokenRoutes);
        assertThat(brokenRoutes).isEmpty();
        return context;
    }

    @Override
    protected void doPostSetup() throws Exception {
        sandbox.startRoutes();
    }

    private RouteTestFile.Contents read(String name) throws Exception {
        return RouteTestFile.read(
                BROKEN.resolve(name),
                sandbox,
                RouteCasesTest.samples(),
                RouteCasesTest.TESTS.resolve(RouteTestFile.SCHEMA_FILE));
    }

    private static List<String> problemsOf(RouteTestFile.Contents contents, String caseName) {
        return contents.cases().stream()
                .filter(c -> c.name().equals(caseName))
                .findFirst()
                .orElseThrow()
                .problems();
    }

    @Test
    void eachProblemNamesTheFileTheLineTheFieldAndWhatIsWrong() throws Exception {
        RouteTestFile.Contents contents = read("call-ended.yaml");
        String file = BROKEN.resolve("call-ended.yaml").toString();
        assertThat(problemsOf(contents, "a typo in a key"))
                .containsExactly(
                        file + ":7: cases[0].expect.deliveries[0].propertes: unknown key 'propertes' (did you mean"
                                + " 'properties'?); allowed here: body, jq, properties, rabbitmq, sameAsEvent");
        assertThat(problemsOf(contents, "a queue no route has"))
                .singleElement()
                .asString()
                .startsWith(file + ":12: cases[1].expect.deliveries[0].rabbitmq: can never match: route call-ended"
                        + " makes no rabbitmq analytic (unknown queue 'analytic'); it can make [bullmq push / missed-call,"
                        + " rabbitmq analytics]");
        assertThat(problemsOf(contents, "a job name the route never uses"))
                .singleElement()
                .asString()
                .startsWith(file + ":18: cases[2].expect.deliveries[0].name: can never match: route call-ended makes no"
                        + " bullmq push / missed-cal;");
        assertThat(problemsOf(contents, "a sample that does not exist"))
                .singleElement()
                .asString()
                .startsWith(
                        file + ":20: cases[3].sample: missing sample file config/samples/call.endd.json; the samples"
                                + " are call.ended, call.initiated,");
        assertThat(problemsOf(contents, "a jq condition that does not compile"))
                .singleElement()
                .asString()
                .startsWith(
                        file + ":28: cases[4].expect.deliveries[0].jq: jq condition '.endReason ==' does not compile");
        assertThat(problemsOf(contents, "both a sample and an event"))
                .containsExactly(file + ":29: cases[5]: give exactly one of 'sample', 'event' or 'fire' (patch, key"
                        + " and headers go with sample or event)");
        assertThat(problemsOf(contents, "deliveries and a dead letter"))
                .containsExactly(file + ":36: cases[6].expect: expect either 'deliveries' (with allowOthers if you"
                        + " like) or a 'deadLetter', not both");
        assertThat(problemsOf(contents, "a stage that does not exist"))
                .singleElement()
                .asString()
                .startsWith(file + ":42: cases[7].expect.deadLetter.stage: ")
                .contains("json", "schema", "route");
        assertThat(problemsOf(contents, "a firing instant for a chat-events route"))
                .containsExactly(file + ":44: cases[8].fire: route call-ended consumes call.ended: give the case a"
                        + " 'sample' or an 'event', not a firing instant");
        assertThat(problemsOf(contents, "a job id BullMQ would refuse"))
                .containsExactly(file + ":53: cases[9].expect.deliveries[0].jobId: can never match: BullMQ refuses ':'"
                        + " in a job id (the router escapes it in event ids as %3A)");
        assertThat(contents.problems()).isEmpty();
    }

    @Test
    void malformedYamlNamesItsLineAndLeavesNoCase() throws Exception {
        RouteTestFile.Contents contents = read("message-read.yaml");
        assertThat(contents.cases()).isEmpty();
        assertThat(contents.problems())
                .singleElement()
                .asString()
                .startsWith(BROKEN.resolve("message-read.yaml") + ":9: malformed YAML: ");
    }

    @Test
    void aFileMustBeNamedAfterALoadedRoute() throws Exception {
        RouteTestFile.Contents contents = read("no-such-route.yaml");
        assertThat(contents.problems())
                .singleElement()
                .asString()
                .startsWith(BROKEN.resolve("no-such-route.yaml") + ":1: unknown route 'no-such-route': a test file is"
                        + " named after the route it tests; the loaded routes are call-ended, call-initiated,");
    }

    @Test
    void caseNamesAreUniqueInAFile() throws Exception {
        RouteTestFile.Contents contents = read("user-online.yaml");
        assertThat(contents.cases().get(0).problems()).isEmpty();
        assertThat(contents.cases().get(1).problems())
                .containsExactly(BROKEN.resolve("user-online.yaml")
                        + ":7: cases[1].name: a second case named 'the same name'; names are unique in a file");
    }

    @Test
    void aScheduleTakesAFiringInstantNotAnEvent() throws Exception {
        RouteTestFile.Contents contents = read("schedule-daily-usage.yaml");
        String file = BROKEN.resolve("schedule-daily-usage.yaml").toString();
        assertThat(contents.cases().get(0).problems())
                .containsExactly(file + ":2: cases[0]: route schedule-daily-usage does not consume chat events (a"
                        + " schedule?): give the case 'fire: <instant>' instead of an event");
        assertThat(contents.cases().get(1).problems())
                .singleElement()
                .asString()
                .startsWith(file + ":7: cases[1].fire: ")
                .contains("date-time");
    }
}
