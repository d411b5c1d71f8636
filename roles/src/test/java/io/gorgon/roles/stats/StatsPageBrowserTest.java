package io.gorgon.roles.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.Await;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
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
        Path chromedriver = find("GORGON_CHROMEDRIVER", "chromedriver", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        Path chromium = find("GORGON_CHROMIUM", "chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser");
        if (chromedriver == null || chromium == null) {
            String msg = "\n\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
                    + "!!! StatsPageBrowserTest NOT RUN: chromium and/or chromedriver missing\n"
                    + "!!! (chromedriver=" + chromedriver + ", chromium=" + chromium + ").\n"
                    + "!!! Install them: apt-get install -y chromium chromium-driver\n"
                    + "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n";
            System.err.println(msg);
            if ("true".equalsIgnoreCase(System.getenv("CI"))) Assertions.fail("CI must run the browser test:" + msg);
            Assumptions.abort("chromium/chromedriver not installed");
        }
        QuietLogs.install();
        Path profile = Files.createTempDirectory("gorgon-chromium-");
        Clock clock = Clock.systemUTC();
        SyntheticMesh mesh = new SyntheticMesh();
        ChromeDriver driver = null;
        Thread generator = null;
        try (LocalRedis redisServer = LocalRedis.builder().build().start();
             RedisClient redis = RedisClient.create(redisServer.uri());
             StatsAggregator aggregator = new StatsAggregator(redis, "gorgon", clock).start();
             StatsServer server = new StatsServer("127.0.0.1", 0, new StatsReader(redis, "gorgon", clock), mesh, clock).start()) {
            // Two minutes of history, then one new second of snapshots each second, as a running mesh would send.
            long now = clock.millis() / 1000 * 1000;
            for (int s = 120; s >= 1; s--) feed(mesh, aggregator, now - s * 1000L);
            generator = new Thread(() -> generate(mesh, aggregator, clock, now), "stats-generator");
            generator.setDaemon(true);
            generator.start();

            driver = chrome(chromedriver, chromium, profile);
            JavascriptExecutor js = driver;
            driver.get("http://127.0.0.1:" + server.port() + "/");

            Await.until(LIMIT, "live events and heatmap cells", () ->
                    num(js, "return window.gorgonStats.events()") >= 1 && num(js, "return window.gorgonStats.heatmapCellCount()") > 0);
            long points = num(js, "return window.gorgonStats.throughputPoints()");
            long last = num(js, "return window.gorgonStats.lastTime()");
            assertTrue(points >= 100, "the 2 minutes of history are drawn: " + points);
            Await.until(LIMIT, () -> "the throughput chart to move past " + points + " points / t=" + last, () ->
                    num(js, "return window.gorgonStats.throughputPoints()") >= points + 2
                            && num(js, "return window.gorgonStats.lastTime()") >= last + 2000);

            List<WebElement> rows = driver.findElements(By.cssSelector("[data-testid='instances-table'] [data-testid='instance-row']"));
            assertEquals(mesh.instanceIds().stream().sorted().toList(),
                    rows.stream().map(r -> r.getDomAttribute("data-instance-id")).sorted().toList());
            assertEquals("gone", driver.findElement(By.cssSelector("[data-instance-id='stats-0c5b']")).getDomAttribute("data-status"));
            assertEquals(SyntheticMesh.QUEUES.size(), driver.findElements(By.cssSelector("[data-testid='queue-row']")).size());
            assertTrue(driver.findElement(By.cssSelector("[data-testid='latency-heatmap'] canvas")).isDisplayed());
            assertTrue(driver.findElement(By.cssSelector("[data-testid='throughput-chart'] canvas")).isDisplayed());

            // Full-page screenshot: grow the window to the page's height first.
            long height = num(js, "return document.documentElement.scrollHeight");
            driver.manage().window().setSize(new Dimension(1600, (int) Math.min(2400, height + 140)));
            long events = num(js, "return window.gorgonStats.events()");
            Await.until(LIMIT, "a render at the new size", () -> num(js, "return window.gorgonStats.events()") > events);
            screenshot(driver, "stats-page.png");

            // A longer window is fetched, not streamed: minute buckets that hold the same history.
            driver.findElement(By.cssSelector("#windows button[data-window='1h']")).click();
            Await.until(LIMIT, "the 1 h window", () -> "1h".equals(js.executeScript("return window.gorgonStats.window()"))
                    && num(js, "return window.gorgonStats.lastTime()") % 60_000 == 0
                    && num(js, "return window.gorgonStats.heatmapCellCount()") > 0);
            screenshot(driver, "stats-page-1h.png");

            List<LogEntry> errors = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(e -> e.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()).toList();
            assertTrue(errors.isEmpty(), "browser console errors: " + errors);
            generator.interrupt();
            generator.join(5_000);
        } finally {
            if (generator != null) generator.interrupt();
            if (driver != null) driver.quit();
            deleteTree(profile);
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

    private static ChromeDriver chrome(Path chromedriver, Path chromium, Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--window-size=1600,1300", "--hide-scrollbars");
        options.setCapability("goog:loggingPrefs", Map.of("browser", "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static long num(JavascriptExecutor js, String script) {
        Object v = js.executeScript(script);
        return v instanceof Number n ? n.longValue() : -1;
    }

    private static void screenshot(ChromeDriver driver, String name) throws IOException {
        Path out = Path.of("target", name);
        Files.createDirectories(out.getParent());
        Files.write(out, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        System.out.println("stats page screenshot: " + out.toAbsolutePath());
    }

    /** $env when set (even to a missing file: then it is missing), else the Debian paths, else PATH. */
    private static Path find(String env, String name, String... candidates) {
        String override = System.getenv(env);
        if (override != null && !override.isBlank()) return Files.isExecutable(Path.of(override)) ? Path.of(override) : null;
        for (String c : candidates) {
            if (Files.isExecutable(Path.of(c))) return Path.of(c);
        }
        for (String dir : Objects.requireNonNullElse(System.getenv("PATH"), "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) return Path.of(dir, name);
        }
        return null;
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }
}
