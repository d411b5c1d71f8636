package io.gorgon.roles.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gorgon.bus.Admin;
import io.gorgon.bus.InstanceInfo;
import io.gorgon.bus.testing.Await;
import io.gorgon.roles.testing.Browser;
import io.gorgon.roles.testing.Http;
import io.gorgon.roles.testing.Mesh;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;

/**
 * Issue 6's acceptance test: a real mesh (every role a process) under HTTP load and provider inserts, the stats page
 * in headless Chromium: the heatmap fills from real request latencies, the throughput chart moves, and the instances
 * table lists every running instance. Saves target/stats-page-live.png.
 */
class StatsPageOnLiveMeshTest {
    private static final String OPERATOR_TOKEN = "live-mesh-operator-token";

    @TempDir
    Path dir;

    @Test
    void theDashboardShowsTheRunningMesh() throws Exception {
        try (Mesh mesh = new Mesh(dir, Map.of("provider.ratePerSecond", 50, "stats.operatorToken", OPERATOR_TOKEN))) {
            mesh.startAll("store-1", "auth-1", "app-1", "web-1", "stats-1", "provider-1");
            mesh.awaitReady(Duration.ofSeconds(90));
            Http http = mesh.http();
            String web = mesh.webUrl();
            http.post(web + "/auth/register", null, "{\"name\":\"Op\",\"email\":\"op@example.com\",\"password\":\"correct horse\"}");
            String token = http.post(web + "/auth/login", null, "{\"email\":\"op@example.com\",\"password\":\"correct horse\"}")
                    .json().get("token").getAsString();
            AtomicBoolean loading = new AtomicBoolean(true);
            Thread load = Thread.ofVirtual().start(() -> {
                int n = 0;
                while (loading.get()) http.get(web + "/info/" + (1 + n++ % 50), token);
            });
            Admin admin = Admin.connect(mesh.redis().uri(), mesh.namespace(), Duration.ofMillis(500), Duration.ofSeconds(2));
            try (Browser browser = Browser.startOrSkip("StatsPageOnLiveMeshTest")) {
                browser.driver().get("http://127.0.0.1:" + mesh.statsPort() + "/");
                Await.until(Duration.ofSeconds(40), "live heatmap cells from real requests", () ->
                        browser.num("return window.gorgonStats.events()") >= 1 && browser.num("return window.gorgonStats.heatmapCellCount()") > 0);
                long points = browser.num("return window.gorgonStats.throughputPoints()");
                long last = browser.num("return window.gorgonStats.lastTime()");
                Await.until(Duration.ofSeconds(30), "the throughput chart moves", () ->
                        browser.num("return window.gorgonStats.lastTime()") >= last + 2000
                                && browser.num("return window.gorgonStats.throughputPoints()") > points);

                List<String> running = admin.instances().stream().filter(i -> i.status().equals("live")).map(InstanceInfo::id).sorted().toList();
                assertEquals(6, running.size(), running.toString());
                Await.until(Duration.ofSeconds(10), () -> "every running instance listed: " + running, () -> {
                    List<WebElement> rows = browser.driver().findElements(By.cssSelector("[data-testid='instances-table'] [data-testid='instance-row']"));
                    return rows.stream().map(r -> r.getDomAttribute("data-instance-id")).toList().containsAll(running);
                });
                // With an operator logged in, the page shows its controls; a malformed message gives the dead-letter
                // browser something to show (docs/stats-page.png is this screenshot).
                try (redis.clients.jedis.Jedis j = new redis.clients.jedis.Jedis("127.0.0.1", mesh.redis().port())) {
                    j.xadd(mesh.namespace() + ":q:{store_put}", redis.clients.jedis.StreamEntryID.NEW_ENTRY,
                            Map.of("e", "{\"v\":1,\"type\":\"store.item.put\",\"body\":{\"item\":\"truncated"));
                }
                Await.until(Duration.ofSeconds(15), "a dead letter", () -> admin.queues().stream().anyMatch(q -> q.deadLetters() > 0));
                browser.script("sessionStorage.setItem('gorgonOperatorToken', '" + OPERATOR_TOKEN + "'); location.reload();");
                Await.until(Duration.ofSeconds(20), "operator controls", () -> browser.num(
                        "return document.querySelectorAll(\"[data-testid='instance-drain']\").length") > 0
                        && browser.num("return document.querySelectorAll(\"#dlq-queue option[value='store_put']\").length") > 0);
                browser.script("const s = document.getElementById('dlq-queue'); s.value = 'store_put'; s.dispatchEvent(new Event('change'));");
                Await.until(Duration.ofSeconds(10), "the dead letter listed", () ->
                        browser.num("return document.querySelectorAll(\"[data-testid='dlq-row']\").length") == 1);
                browser.script("document.getElementById('lat-queue').value = 'store_get'; document.getElementById('lat-queue').dispatchEvent(new Event('change'));");
                long height = browser.num("return document.documentElement.scrollHeight");
                browser.driver().manage().window().setSize(new Dimension(1600, (int) Math.min(3200, height + 140)));
                long events = browser.num("return window.gorgonStats.events()");
                Await.until(Duration.ofSeconds(10), "a render at the new size", () -> browser.num("return window.gorgonStats.events()") > events);
                browser.screenshot("stats-page-live.png");

                // The same live numbers for Prometheus: the scrape parses strictly and counts real traffic.
                Http.Response metrics = http.get("http://127.0.0.1:" + mesh.statsPort() + "/metrics", null);
                assertEquals(200, metrics.status());
                PrometheusParser parsed = PrometheusParser.parse(metrics.body());
                assertTrue(parsed.samples.stream().anyMatch(x -> x.name().equals("gorgon_queue_processed_total")
                        && "auth_get".equals(x.labels().get("queue")) && x.value() > 0), metrics.body());
                assertTrue(browser.consoleErrors().isEmpty(), "browser console errors: " + browser.consoleErrors());
            } finally {
                loading.set(false);
                load.join(5000);
            }
        }
    }
}
