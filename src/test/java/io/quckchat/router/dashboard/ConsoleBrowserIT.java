package io.quckchat.router.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.quckchat.camel.bullmq.BullMqClient;
import io.quckchat.camel.bullmq.BullMqJobOptions;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The operations console in a real browser, as an operator uses it, on jobs a stock BullMQ 6 Worker
 * (src/test/node/dashboard-worker.js) failed: the flow map of the shipped routes with live rates, a
 * chart with data, a job's detail and every queue action (retry, pause and resume, clean, promote),
 * a dead letter found, read and redriven after a dry run; the layout on a phone, labels, contrast
 * and the keyboard. Screenshots of each view go to docs/images/ (docs/operations.md shows them).
 * Runs with {@code -Pbrowser} only.
 */
class ConsoleBrowserIT {

    private static final Path SHOTS = Path.of("docs", "images");

    @Test
    void anOperatorFollowsTheFlowAndActsOnJobsAndDeadLetters() throws Exception {
        assertThat(NodeWorker.NODE_DIR.resolve("node_modules/bullmq-v6"))
                .as("stock BullMQ 6 (npm ci in src/test/node, done by -Pbrowser)")
                .exists();
        Namespace ns = Namespace.random();
        TestBrokers.get().startGroupAtEnd(ns.groupId(), Set.copyOf(TestBrokers.TOPICS));
        ConfigurableApplicationContext router = RouterApp.start(
                ns, "--ADMIN_PASSWORD=" + Http.ADMIN_PASSWORD, "--quckchat.bull-board.chart-interval=1s");
        ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (NodeWorker worker = NodeWorker.start(
                        "dashboard-worker.js",
                        "console-worker",
                        Map.of(
                                "REDIS_HOST", TestBrokers.get().redisHost(),
                                "REDIS_PORT", Integer.toString(TestBrokers.get().redisPort()),
                                "BULLMQ_PREFIX", ns.bullPrefix(),
                                "BULLMQ_QUEUE", "media"));
                Chromium chromium = Chromium.asAdmin();
                KafkaProbe kafka = new KafkaProbe()) {
            ChromeDriver browser = chromium.driver();
            browser.manage().window().setSize(new Dimension(1280, 1000));
            String base = "http://127.0.0.1" + ":" + router.getEnvironment().getProperty("local.server.port")
                    + "/admin/queues";
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(60));
            wait.ignoring(StaleElementReferenceException.class).ignoring(NoSuchElementException.class);

            // 1. The flow map shows the shipped routes, and live rates once events flow.
            browser.get(base);
            List<String> routes = browser.findElements(By.cssSelector("#panel-routes tr[data-route]")).stream()
                    .map(row -> row.getAttribute("data-route"))
                    .toList();
            assertThat(routes).contains("message-sent", "user-online", "call-ended", "notification-send");
            assertThat(browser.findElements(By.cssSelector("#flow-map a.node[data-kind='route']")).stream()
                            .map(node -> node.getAttribute("data-name"))
                            .toList())
                    .as("every loaded route is on the map")
                    .containsExactlyInAnyOrderElementsOf(routes);
            for (String node : List.of(
                    "topic:message.sent",
                    "rabbitmq:notifications",
                    "rabbitmq:media-processing",
                    "bullmq:push",
                    "bullmq:media",
                    "dead-letters:message.sent.dlq")) {
                assertThat(browser.findElements(By.cssSelector("#flow-map a.node[data-node='" + node + "']")))
                        .as(node)
                        .hasSize(1);
            }
            String event = "evt:" + UUID.randomUUID();
            String mediaJob = event.replace(":", "%3A") + ".transcode.1";
            kafka.send("message.sent", "c-42", Samples.json("message.sent"), event);
            AtomicInteger sent = new AtomicInteger();
            trickle.scheduleAtFixedRate( // a steady trickle of events for the rates and the charts
                    () -> {
                        int i = sent.getAndIncrement();
                        kafka.send("user.online", "u-" + i, Samples.json("user.online"), "online-" + ns.id() + "-" + i);
                    },
                    0,
                    100,
                    TimeUnit.MILLISECONDS);
            String onlineEdge = "#flow-map g.edge[data-edge='user-online|rabbitmq|analytics']";
            wait.withMessage("a live rate on the user.online → analytics line")
                    .until(d -> d.findElement(By.cssSelector(onlineEdge + " text.edge-rate"))
                                    .getText()
                                    .matches("[0-9.]+/s")
                            && !d.findElement(By.cssSelector(onlineEdge + " text.edge-rate"))
                                    .getText()
                                    .equals("0/s"));
            wait.withMessage("the user.online topic shows its lag")
                    .until(d -> d.findElement(
                                    By.cssSelector("#flow-map a.node[data-node='topic:user.online'] text.node-figure"))
                            .getText()
                            .startsWith("lag "));
            // 2. A chart has data after events flow.
            wait.withMessage("the events-in chart has points")
                    .until(d -> !d.findElements(By.cssSelector("#charts [data-chart][data-points]"))
                                    .isEmpty()
                            && d.findElements(By.cssSelector("#charts [data-chart][data-points]")).stream()
                                    .anyMatch(c -> Integer.parseInt(c.getAttribute("data-points")) > 0));
            shoot(browser, "console-flow.png");
            browser.executeScript("document.getElementById('panel-charts').scrollIntoView();");
            shoot(browser, "console-charts.png");

            // 3. The job the Worker failed: its detail, then retry from there.
            wait.withMessage("the transcode job failed by the Worker")
                    .until(d -> d.findElement(
                                    By.cssSelector("#panel-failed tr[data-job-id='" + mediaJob + "'] td.reason"))
                            .getText()
                            .equals("transcoder unavailable"));
            browser.get(base + "/job?queue=media&id=" + URLEncoder.encode(mediaJob, StandardCharsets.UTF_8));
            assertThat(browser.findElement(By.id("job-state")).getText()).isEqualTo("failed");
            assertThat(browser.findElement(By.id("job-attempts")).getText()).isEqualTo("3");
            assertThat(browser.findElement(By.id("job-failed-reason")).getText())
                    .isEqualTo("transcoder unavailable");
            assertThat(browser.findElements(By.cssSelector("#job-detail pre.stack")))
                    .as("a stack trace per failed attempt")
                    .hasSize(3);
            assertThat(browser.findElement(By.id("job-data")).getText())
                    .as("the data as indented JSON")
                    .contains("\"attachment\" : {")
                    .contains("\n  \"messageId\" : \"m-5001\"");
            assertThat(browser.findElement(By.id("job-opts")).getText()).contains("\"attempts\" : 3");
            assertThat(browser.findElements(By.cssSelector("#job-logs li")))
                    .as("the Worker's job.log lines")
                    .hasSize(3);
            shoot(browser, "console-job.png");
            browser.findElement(By.cssSelector("#job-detail button[data-action='retry']"))
                    .click();
            browser.switchTo().alert().accept();
            wait.withMessage("the retried job completes (the job page read again)")
                    .ignoring(org.openqa.selenium.WebDriverException.class) // the page reloads itself after the action
                    .until(d -> {
                        d.navigate().refresh();
                        return d.findElement(By.id("job-state")).getText().equals("completed");
                    });

            // 4. Queue actions: pause and resume, clean failed jobs, promote a delayed job.
            browser.get(base);
            String mediaRow = "#panel-queues tr[data-queue='media']";
            browser.findElement(By.cssSelector(mediaRow + " button[data-action='pause']"))
                    .click();
            browser.switchTo().alert().accept();
            wait.withMessage("media paused")
                    .until(d -> d.findElement(By.cssSelector(mediaRow + " td.paused"))
                            .getText()
                            .equals("yes"));
            browser.findElement(By.cssSelector(mediaRow + " button[data-action='resume']"))
                    .click();
            browser.switchTo().alert().accept();
            wait.withMessage("media resumed")
                    .until(d -> d.findElement(By.cssSelector(mediaRow + " td.paused"))
                            .getText()
                            .equals("no"));

            String second = "evt:" + UUID.randomUUID();
            kafka.send("message.sent", "c-43", Samples.json("message.sent"), second);
            wait.withMessage("a second job failed by the Worker")
                    .until(d -> d.findElement(By.cssSelector(mediaRow + " td[data-state='failed']"))
                            .getText()
                            .equals("1"));
            new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("clean-age"))).selectByValue("0");
            browser.findElement(By.cssSelector(mediaRow + " button[data-action='clean'][data-state='failed']"))
                    .click();
            browser.switchTo().alert().accept();
            wait.withMessage("the failed job cleaned")
                    .until(d -> d.findElement(By.id("status")).getText().contains("1 failed job(s) of media removed"));
            wait.until(d -> d.findElement(By.cssSelector(mediaRow + " td[data-state='failed']"))
                    .getText()
                    .equals("0"));

            BullMqClient jobs = router.getBean(BullMqClient.class);
            String delayed = jobs.add(
                    "reports",
                    "weekly",
                    "{\"week\":\"2026-W49\"}",
                    BullMqJobOptions.builder().delay(3_600_000L).build());
            browser.get(base + "/job?queue=reports&id=" + URLEncoder.encode(delayed, StandardCharsets.UTF_8));
            assertThat(browser.findElement(By.id("job-state")).getText()).isEqualTo("delayed");
            browser.findElement(By.cssSelector("#job-detail button[data-action='promote']"))
                    .click();
            browser.switchTo().alert().accept();
            wait.withMessage("the promoted job waits")
                    .ignoring(org.openqa.selenium.WebDriverException.class) // the page reloads itself after the action
                    .until(d -> {
                        d.navigate().refresh();
                        return d.findElement(By.id("job-state")).getText().equals("waiting");
                    });

            // 5. A dead letter: found by its event id, read, redriven after a dry run.
            String broken = "broken-" + UUID.randomUUID();
            kafka.send("message.sent", "c-44", "{\"messageId\": 42}", broken);
            // no #fragment: loading the same URL with one again would only scroll, not read the page again
            String filtered = base + "?dl-event=" + URLEncoder.encode(broken, StandardCharsets.UTF_8);
            wait.withMessage("the dead letter is listed").until(d -> {
                d.get(filtered);
                return !d.findElements(By.cssSelector("#panel-dead-letters tr[data-letter]"))
                        .isEmpty();
            });
            assertThat(browser.findElement(By.id("dl-total")).getText()).isEqualTo("1");
            browser.findElement(By.cssSelector("#panel-dead-letters tr[data-letter] th a"))
                    .click();
            assertThat(browser.findElement(By.id("letter-value")).getText()).contains("\"messageId\" : 42");
            assertThat(browser.findElements(By.cssSelector("#letter-headers tbody tr")).stream()
                            .map(WebElement::getText)
                            .toList())
                    .anyMatch(header -> header.contains(broken));
            assertThat(browser.findElement(By.id("letter-redriven")).getText()).isEqualTo("no");
            shoot(browser, "console-dead-letter.png");
            browser.findElement(By.cssSelector("#dead-letter-detail button[data-action='redrive']"))
                    .click();
            // the question comes once the dry run has answered
            org.openqa.selenium.Alert question = wait.withMessage("the dry run's question")
                    .until(org.openqa.selenium.support.ui.ExpectedConditions.alertIsPresent());
            assertThat(question.getText())
                    .as("the dry run comes first")
                    .startsWith("Dry run for dead letter")
                    .contains("1 letter(s) would be redriven");
            browser.switchTo().alert().accept();
            wait.withMessage("the letter is marked redriven").until(d -> {
                d.navigate().refresh();
                return !d.findElement(By.id("letter-redriven")).getText().equals("no");
            });

            // 6. Accessibility basics and a phone's width.
            browser.get(base);
            assertThat(unlabelledControls(browser))
                    .as("form controls without a label")
                    .isEmpty();
            assertThat(lowContrast(browser)).as("text under 4.5:1 contrast").isEmpty();
            WebElement firstNode = browser.findElement(By.cssSelector("#flow-map a.node[data-kind='route']"));
            String routeName = firstNode.getAttribute("data-name");
            firstNode.sendKeys(Keys.ENTER);
            wait.withMessage("Enter on a map node opens its route")
                    .until(d -> d.findElement(By.id("route-source")).getText().contains("id: " + routeName));
            shoot(browser, "console-route.png");
            browser.manage().window().setSize(new Dimension(390, 844));
            browser.get(base);
            assertThat((Boolean) browser.executeScript(
                            "return document.documentElement.scrollWidth <= window.innerWidth + 1;"))
                    .as("no sideways scrolling of the page on a phone (wide tables scroll in their own box)")
                    .isTrue();
            shoot(browser, "console-phone.png");
        } finally {
            trickle.shutdownNow();
            trickle.awaitTermination(10, TimeUnit.SECONDS);
            router.close();
            try (RabbitMqProbe cleanup = new RabbitMqProbe(ns)) {
                cleanup.cleanUp("notifications", "analytics", "media-processing", "email", "sms");
            }
        }
    }

    private static void shoot(ChromeDriver browser, String name) throws Exception {
        Files.createDirectories(SHOTS);
        Files.copy(
                browser.getScreenshotAs(OutputType.FILE).toPath(),
                SHOTS.resolve(name),
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Inputs, selects and text areas with neither a label nor an aria-label. */
    @SuppressWarnings("unchecked")
    private static List<String> unlabelledControls(ChromeDriver browser) {
        return (List<String>) browser.executeScript("""
                return Array.from(document.querySelectorAll('input, select, textarea'))
                  .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
                  .map(e => e.outerHTML);
                """);
    }

    /** Visible HTML text whose contrast with its background is under 4.5:1 (WCAG AA). */
    @SuppressWarnings("unchecked")
    private static List<String> lowContrast(ChromeDriver browser) {
        return (List<String>) browser.executeScript("""
                const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
                const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255;
                  return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
                  .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
                const background = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
                  if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c; } return [255, 255, 255]; };
                const bad = [];
                document.querySelectorAll('body *').forEach(e => {
                  if (e.closest('svg') || !e.offsetParent) return;
                  const own = Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
                  if (!own) return;
                  const a = lum(rgb(getComputedStyle(e).color)), b = lum(background(e));
                  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
                  if (ratio < 4.5) bad.push(e.tagName + ' ' + ratio.toFixed(2) + ' ' + e.textContent.trim().slice(0, 40));
                });
                return bad;
                """);
    }
}
