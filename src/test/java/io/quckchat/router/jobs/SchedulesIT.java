package io.quckchat.router.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quckchat.camel.bullmq.BullMqJobInfo;
import io.quckchat.camel.bullmq.BullMqQueues;
import io.quckchat.camel.bullmq.BullMqState;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.TestBrokers;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.component.quartz.QuartzEndpoint;
import org.junit.jupiter.api.Test;
import org.quartz.Trigger;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.core.StringRedisTemplate;

/** Scheduled jobs: every replica fires, one job per slot. */
class SchedulesIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shippedSchedulesFireAtTwoUtcDailyAndHourly() throws Exception {
        Namespace ns = Namespace.random();
        TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        ConfigurableApplicationContext router = RouterApp.start(ns);
        try {
            CamelContext camel = router.getBean(CamelContext.class);
            ZonedDateTime daily = nextFire(camel, "schedule-daily-usage");
            assertThat(daily.getHour()).isEqualTo(2);
            assertThat(daily.getMinute()).isZero();
            assertThat(daily.getSecond()).isZero();
            ZonedDateTime hourly = nextFire(camel, "schedule-purge-expired");
            assertThat(hourly.getMinute()).isZero();
            assertThat(hourly.getSecond()).isZero();
            assertThat(Duration.between(ZonedDateTime.now(ZoneOffset.UTC), hourly))
                    .isLessThanOrEqualTo(Duration.ofHours(1));
        } finally {
            router.close();
        }
    }

    @Test
    void twoReplicasFiringForTheSameSlotMakeOneJob() throws Exception {
        Namespace ns = Namespace.random();
        TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        String[] everySecond = {
            "--quckchat.schedules.daily-usage.cron=* * * * * ?",
            "--quckchat.schedules.daily-usage.slot=yyyy-MM-dd'T'HH:mm:ss"
        };
        ConfigurableApplicationContext a =
                RouterApp.start(ns, with(everySecond, "--camel.main.name=replica-a-" + ns.id()));
        ConfigurableApplicationContext b =
                RouterApp.start(ns, with(everySecond, "--camel.main.name=replica-b-" + ns.id()));
        try {
            BullMqQueues queues = b.getBean(BullMqQueues.class);
            StringRedisTemplate redis = b.getBean(StringRedisTemplate.class);
            String events = ns.bullPrefix() + ":reports:events";
            // Wait until both replicas have fired for slots the other already had.
            await().atMost(Duration.ofSeconds(30)).until(() -> count(redis, events, "duplicated") >= 3);
            a.close();
            b.getBean(CamelContext.class).getRouteController().stopRoute("schedule-daily-usage");

            List<BullMqJobInfo> jobs = queues.jobs("reports", BullMqState.WAITING, 0, -1);
            Set<String> slots = new HashSet<>();
            for (BullMqJobInfo job : jobs) {
                String slot = JSON.readTree(job.data()).path("slot").asText();
                assertThat(job.name()).isEqualTo("daily-usage");
                assertThat(job.id()).isEqualTo("daily-usage." + slot.replace(":", "%3A"));
                assertThat(slots.add(slot)).as("one job per slot").isTrue();
            }
            long added = count(redis, events, "added");
            long duplicated = count(redis, events, "duplicated");
            assertThat(added).as("a job was added once per slot").isEqualTo(jobs.size());
            assertThat(duplicated).as("the other replica's adds were no-ops").isGreaterThanOrEqualTo(3);
            io.quckchat.router.support.TestReport.line(
                    "SchedulesIT: 2 replicas, %d slots, %d jobs added, %d duplicate adds ignored",
                    slots.size(), added, duplicated);
        } finally {
            a.close();
            b.close();
        }
    }

    private static ZonedDateTime nextFire(CamelContext camel, String routeId) throws Exception {
        QuartzEndpoint endpoint = (QuartzEndpoint) camel.getRoute(routeId).getEndpoint();
        Trigger trigger = endpoint.getComponent().getScheduler().getTrigger(endpoint.getTriggerKey());
        return trigger.getNextFireTime().toInstant().atZone(ZoneOffset.UTC);
    }

    private static long count(StringRedisTemplate redis, String stream, String event) {
        List<MapRecord<String, Object, Object>> records = redis.opsForStream().range(stream, Range.unbounded());
        return records == null
                ? 0
                : records.stream()
                        .map(MapRecord::getValue)
                        .filter((Map<Object, Object> fields) -> event.equals(fields.get("event")))
                        .count();
    }

    private static String[] with(String[] base, String extra) {
        String[] all = java.util.Arrays.copyOf(base, base.length + 1);
        all[base.length] = extra;
        return all;
    }
}
