package io.quckchat.router.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.quckchat.router.support.Chromium;
import io.quckchat.router.support.Http;
import io.quckchat.router.support.KafkaProbe;
import io.quckchat.router.support.Namespace;
import io.quckchat.router.support.NodeWorker;
import io.quckchat.router.support.RabbitMqProbe;
import io.quckchat.router.support.RouterApp;
import io.quckchat.router.support.Samples;
import io.quckchat.router.support.TestBrokers;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The dashboard in a real browser (Debian's headless Chromium driven by its chromedriver, both
 * from /usr/bin, so Selenium Manager never downloads anything): the router writes a real event's
 * transcode job, a stock BullMQ 6 Worker (src/test/node/dashboard-worker.js) fails every attempt
 * it was given, the page shows the failed job with its reason, a click on Retry moves it back, and
 * the same Worker completes it, which the page shows. And "Try an event": a sample picked, edited and
 * run through the routing simulator shows the deliveries it would make. Runs with {@code -Pbrowser}
 * only.
 *
 * <p>HTTP Basic: a headless browser cannot answer an auth dialog, and a page loaded from a URL with
 * credentials cannot fetch() relative URLs, so the admin Authorization header is set on every
 * request through the DevTools protocol (Network.setExtraHTTPHeaders, via chromedriver).
 */
class DashboardBrowserIT {

    @Test
    void anOperatorRetriesAFailedJobAndSeesItComplete() throws Exception {
        assertThat(NodeWorker.NODE_DIR.resolve("node_modules/bullmq-v6"))
                .as("stock BullMQ 6 (npm ci in src/test/node, done by -Pbrowser)")
                .exists();
        Namespace ns = Namespace.random();
        String event = "evt:" + UUID.randomUUID();
        String jobId = event.replace("%", "%25").replace(":", "%3A") + ".transcode.1";
        TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        ConfigurableApplicationContext router = RouterApp.start(ns, "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD);
        NodeWorker worker = null;
        Chromium chromium = null;
        try {
            worker = NodeWorker.start(
                    "dashboard-worker.js",
                    "dashboard-worker",
                    Map.of(
                            "REDIS_HOST", TestBrokers.get().redisHost(),
                            "REDIS_PORT", Integer.toString(TestBrokers.get().redisPort()),
                            "BULLMQ_PREFIX", ns.bullPrefix(),
                            "BULLMQ_QUEUE", "media"));
            try (KafkaProbe kafka = new KafkaProbe()) {
                kafka.send("message.sent", "c-42", Samples.json("message.sent"), event);
            }
            chromium = Chromium.asAdmin();
            ChromeDriver browser = chromium.driver();
            String port = router.getEnvironment().getProperty("local.server.port");
            browser.get(
                    "http://127.0.0.1:" + port + "/admin/queues?q=" + URLEncoder.encode(event, StandardCharsets.UTF_8));
            assertThat(browser.getTitle()).contains("QuckChat Router");

            // The Worker fails all three attempts (1 s and 2 s backoff); the page refreshes itself.
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            wait.ignoring(StaleElementReferenceException.class).ignoring(NoSuchElementException.class);
            String failedRow = "#panel-failed tr[data-job-id='" + jobId + "']";
            wait.withMessage("the failed job in the failed panel")
                    .until(d -> d.findElement(By.cssSelector(failedRow + " td.reason"))
                            .getText()
                            .equals("transcoder unavailable"));
            assertThat(browser.findElement(By.cssSelector("#panel-search tr[data-job-id='" + jobId + "'] td.state"))
                            .getText())
                    .isEqualTo("failed");
            assertThat(failedCount(browser)).isEqualTo("1");

            WebElement retry = browser.findElement(By.cssSelector(failedRow + " button[data-action='retry']"));
            assertThat(retry.getText()).isEqualTo("Retry");
            assertThat(retry.getAttribute("aria-label")).isEqualTo("Retry job " + jobId);
            retry.click();
            browser.switchTo().alert().accept(); // every action is confirmed

            wait.withMessage("the status line confirms the retry")
                    .until(d -> d.findElement(By.id("status")).getText().contains("moved back to waiting"));
            wait.withMessage("the retried job completed")
                    .until(d -> d.findElement(By.cssSelector("#panel-search tr[data-job-id='" + jobId + "'] td.state"))
                            .getText()
                            .equals("completed"));
            wait.withMessage("no failed job left")
                    .until(d -> d.findElements(By.cssSelector(failedRow)).isEmpty() && "0".equals(failedCount(d)));
            assertThat(browser.findElement(
                                    By.cssSelector("#panel-queues tr[data-queue='media'] td[data-state='completed']"))
                            .getText())
                    .isEqualTo("1");
        } finally {
            if (chromium != null) {
                chromium.close();
            }
            if (worker != null) {
                worker.close();
            }
            router.close();
            try (RabbitMqProbe cleanup = new RabbitMqProbe(ns)) {
                cleanup.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
            }
        }
    }

    @Test
    void anOperatorTriesAnEventBeforeAnyoneProducesIt() throws Exception {
        Namespace ns = Namespace.random();
        TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        ConfigurableApplicationContext router = RouterApp.start(ns, "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD);
        Chromium chromium = null;
        try {
            chromium = Chromium.asAdmin();
            ChromeDriver browser = chromium.driver();
            String port = router.getEnvironment().getProperty("local.server.port");
            browser.get("http://127.0.0.1:" + port + "/admin/queues");
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
            wait.ignoring(StaleElementReferenceException.class).ignoring(NoSuchElementException.class);

            // Pick call.ended: its sample (a missed call) is filled in.
            wait.withMessage("the topics in the picker")
                    .until(d -> !d.findElements(By.cssSelector("#try-topic option[value='call.ended']"))
                            .isEmpty());
            new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("try-topic")))
                    .selectByValue("call.ended");
            WebElement event = browser.findElement(By.id("try-event"));
            wait.withMessage("the sample filled in")
                    .until(d -> event.getAttribute("value").contains("\"endReason\": \"missed\""));
            browser.findElement(By.id("try-run")).click();
            wait.withMessage("the deliveries of a missed call")
                    .until(d -> destinations(d)
                            .equals(java.util.List.of("rabbitmq analytics", "bullmq push / missed-call")));
            WebElement push =
                    browser.findElement(By.cssSelector("#try-result tr[data-destination='bullmq push / missed-call']"));
            assertThat(push.findElements(By.tagName("td")).get(1).getText()).isEqualTo("5");
            assertThat(push.findElements(By.tagName("td")).get(0).getText()).isEqualTo("call.ended-0-0.missed-call");

            // Edit it into an answered call: no push any more.
            String answered = event.getAttribute("value").replace("\"missed\"", "\"completed\"");
            event.clear();
            event.sendKeys(answered);
            browser.findElement(By.id("try-run")).click();
            wait.withMessage("an answered call only goes to analytics")
                    .until(d -> destinations(d).equals(java.util.List.of("rabbitmq analytics")));

            // Break it: the answer is the dead letter and why.
            event.clear();
            event.sendKeys("{\"callId\": 1}");
            browser.findElement(By.id("try-run")).click();
            wait.withMessage("the dead letter of a schema violation")
                    .until(d -> d.findElement(By.cssSelector("#try-result p.error"))
                            .getText()
                            .startsWith("Dead-lettered to call.ended.dlq at stage schema"));
            assertThat(browser.findElements(By.cssSelector("#try-result ul.schema-errors li")))
                    .extracting(WebElement::getText)
                    .contains("$.callId: integer found, string expected");
        } finally {
            if (chromium != null) {
                chromium.close();
            }
            router.close();
        }
    }

    private static java.util.List<String> destinations(org.openqa.selenium.WebDriver browser) {
        return browser.findElements(By.cssSelector("#try-result tr[data-destination]")).stream()
                .map(row -> row.getAttribute("data-destination"))
                .toList();
    }

    private static String failedCount(org.openqa.selenium.WebDriver browser) {
        return browser.findElement(By.cssSelector("#panel-queues tr[data-queue='media'] td[data-state='failed']"))
                .getText();
    }
}
