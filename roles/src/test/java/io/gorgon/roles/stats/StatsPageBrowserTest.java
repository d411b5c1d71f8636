package io.gorgon.roles.stats;

import io.gorgon.roles.testing.TestRedis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gorgon.bus.testing.Await;
import io.gorgon.roles.testing.Browser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import redis.clients.jedis.RedisClient;

/**
 * The dashboard in a real headless Chromium: live data arrives over SSE, the heatmap fills, the throughput chart
 * moves, the instances table lists every instance. Saves target/stats-page.png. Needs Debian's chromium and
 * chromium-driver (or $GORGON_CHROMEDRIVER / $GORGON_CHROMIUM); without them the test is skipped loudly, except on
 * CI (CI=true) where it fails.
 */
class StatsPageBrowserTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @Test
    void dashboardShowsLiveData() throws Exception {
        Clock clock = Clock.systemUTC();
        SyntheticMesh mesh = new SyntheticMesh();
        Thread generator = null;
        try (Browser browser = Browser.startOrSkip("StatsPageBrowserTest");
             TestRedis redisServer = new TestRedis();
             StatsAggregator aggregator = new StatsAggregator(redisServer.client, "gorgon", clock).start();
             StatsServer server = new StatsServer("127.0.0.1", 0, new StatsReader(redisServer.client, "gorgon", clock), mesh, clock).start()) {
            // Two minutes of history, then one new second of snapshots each second, as a running mesh would send.
            long now = clock.millis() / 1000 * 1000;
            for (int s = 120; s >= 1; s--) feed(mesh, aggregator, now - s * 1000L);
            generator = new Thread(() -> generate(mesh, aggregator, clock, now), "stats-generator");
            generator.setDaemon(true);
            generator.start();

            ChromeDriver driver = browser.driver();
            JavascriptExecutor js = driver;
            driver.get("http://127.0.0.1:" + server.port() + "/");

            Await.until(LIMIT, "live events and heatmap cells", () ->
                    browser.num("return window.gorgonStats.events()") >= 1 && browser.num("return window.gorgonStats.heatmapCellCount()") > 0);
            long points = browser.num("return window.gorgonStats.throughputPoints()");
            long last = browser.num("return window.gorgonStats.lastTime()");
            assertTrue(points >= 100, "the 2 minutes of history are drawn: " + points);
            Await.until(LIMIT, () -> "the throughput chart to move past " + points + " points / t=" + last, () ->
                    browser.num("return window.gorgonStats.throughputPoints()") >= points + 2
                            && browser.num("return window.gorgonStats.lastTime()") >= last + 2000);

            // Read in one script call: the table re-renders every second, so held elements go stale.
            @SuppressWarnings("unchecked")
            List<String> ids = (List<String>) browser.script("return window.gorgonStats.instanceIds()");
            assertEquals(mesh.instanceIds().stream().sorted().toList(), ids.stream().sorted().toList());
            assertEquals("gone", driver.findElement(By.cssSelector("[data-instance-id='stats-0c5b']")).getDomAttribute("data-status"));
            assertEquals(SyntheticMesh.QUEUES.size(), driver.findElements(By.cssSelector("[data-testid='queue-row']")).size());
            assertTrue(driver.findElement(By.cssSelector("[data-testid='latency-heatmap'] canvas")).isDisplayed());
            assertTrue(driver.findElement(By.cssSelector("[data-testid='throughput-chart'] canvas")).isDisplayed());

            // The provider's feed metrics: polls/s, 304 share, errors, and the freshness heatmap.
            assertTrue(browser.num("return window.gorgonStats.feedPollPoints()") >= 100, "feed polls drawn per second");
            assertTrue(browser.num("return window.gorgonStats.freshnessCellCount()") > 0, "freshness heatmap cells");
            assertTrue(driver.findElement(By.cssSelector("[data-testid='feeds-chart'] canvas")).isDisplayed());
            assertTrue(driver.findElement(By.cssSelector("[data-testid='freshness-heatmap'] canvas")).isDisplayed());
            double polls = Double.parseDouble(driver.findElement(By.cssSelector("[data-testid='feed-polls']")).getText());
            assertTrue(polls >= 15 && polls <= 60, "polls/s near the synthetic provider's 30-45: " + polls);
            String share = driver.findElement(By.cssSelector("[data-testid='feed-304-share']")).getText();
            assertTrue(share.matches("(7[5-9]|8[0-2])%"), "304 share about 80%: " + share);
            assertTrue(driver.findElement(By.cssSelector("[data-testid='feed-freshness']")).getText().matches(".+ s / .+ s"),
                    "freshness p50 / p99 in seconds");

            // Full-page screenshot: grow the window to the page's height first.
            long height = browser.num("return document.documentElement.scrollHeight");
            driver.manage().window().setSize(new Dimension(1600, (int) Math.min(2400, height + 140)));
            long events = browser.num("return window.gorgonStats.events()");
            Await.until(LIMIT, "a render at the new size", () -> browser.num("return window.gorgonStats.events()") > events);
            browser.screenshot("stats-page.png");

            // A longer window is fetched, not streamed: minute buckets that hold the same history.
            driver.findElement(By.cssSelector("#windows button[data-window='1h']")).click();
            Await.until(LIMIT, "the 1 h window", () -> "1h".equals(js.executeScript("return window.gorgonStats.window()"))
                    && browser.num("return window.gorgonStats.lastTime()") % 60_000 == 0
                    && browser.num("return window.gorgonStats.heatmapCellCount()") > 0);
            browser.screenshot("stats-page-1h.png");

            List<LogEntry> errors = browser.consoleErrors();
            assertTrue(errors.isEmpty(), "browser console errors: " + errors);
            generator.interrupt();
            generator.join(5_000);
        } finally {
            if (generator != null) generator.interrupt();
        }
    }

    private static void feed(SyntheticMesh mesh, StatsAggregator aggregator, long second) {
        mesh.second(second).forEach(aggregator::onSnapshot);
        Random r = new Random(second);
        for (int i = 0, n = 15 + r.nextInt(15); i < n; i++) aggregator.onItemEvent("add", second + r.nextInt(1000));
        for (int i = 0, n = r.nextInt(6); i < n; i++) aggregator.onItemEvent("edit", second + r.nextInt(1000));
        for (int i = 0, n = r.nextInt(4); i < n; i++) aggregator.onItemEvent("delete", second + r.nextInt(1000));
    }

    /** Publishes each second's snapshots just after the second ends, as the bus's metrics publisher does. */
    private static void generate(SyntheticMesh mesh, StatsAggregator aggregator, Clock clock, long firstSecond) {
        try {
            long next = firstSecond;
            while (!Thread.currentThread().isInterrupted()) {
                long now = clock.millis();
                if (now < next + 1030) {
                    Thread.sleep(next + 1030 - now);
                    continue;
                }
                feed(mesh, aggregator, next); // every second once, even when a slow machine falls behind
                next += 1000;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            if (!Thread.currentThread().isInterrupted()) System.err.println("stats-generator stopped: " + e);
        }
    }
}
