package io.gorgon.roles.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.gorgon.bus.Admin;
import io.gorgon.bus.Bus;
import io.gorgon.bus.BusOptions;
import io.gorgon.bus.ConsumerOptions;
import io.gorgon.bus.QueueInfo;
import io.gorgon.bus.testing.Await;
import io.gorgon.roles.cli.Gorgon;
import io.gorgon.roles.testing.Browser;
import io.gorgon.roles.testing.Http;
import io.gorgon.roles.testing.Mesh;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * Issue 15's page acceptance test: on a live mesh (stats and app as processes, a "jobs" worker in this JVM), an
 * operator logs in to the page and clicks through requeue, pause/resume and drain, each confirmed in the page's
 * dialog; the effect is checked through the CLI ({@code gorgon status --json}, {@code dlq list}) and the Admin API.
 */
class OperatorPageBrowserTest {
    private static final String OPERATOR_TOKEN = "op-test-token-0123456789abcdef";

    @TempDir
    Path dir;

    @Test
    void anOperatorRequeuesPausesResumesAndDrainsFromThePage() throws Exception {
        try (Mesh mesh = new Mesh(dir, Map.of("stats.operatorToken", OPERATOR_TOKEN))) {
            mesh.startAll("stats-1", "app-1");
            mesh.awaitReady(Duration.ofSeconds(90));
            String stats = "http://127.0.0.1:" + mesh.statsPort();
            Admin admin = Admin.connect(mesh.redis().uri(), mesh.namespace(), Duration.ofMillis(500), Duration.ofSeconds(2));

            // Without the operator token the API refuses; an API-style token is no operator token either.
            Http http = mesh.http();
            assertEquals(401, http.get(stats + "/api/ops/whoami", null).status());
            assertEquals(401, http.get(stats + "/api/ops/whoami", "not-the-token").status());
            assertEquals(200, http.get(stats + "/api/ops/whoami", OPERATOR_TOKEN).status());

            // A worker whose handler fails until "fixed": one dead letter on "jobs".
            AtomicBoolean broken = new AtomicBoolean(true);
            AtomicInteger done = new AtomicInteger();
            Bus worker = Bus.connect(BusOptions.of(mesh.redis().uri(), "worker").withNamespace(mesh.namespace()));
            try (Browser browser = Browser.startOrSkip("OperatorPageBrowserTest")) {
                worker.consume("jobs", ConsumerOptions.defaults().withMaxDeliveries(1), m -> {
                    if (broken.get()) throw new IllegalStateException("downstream is down");
                    done.incrementAndGet();
                });
                worker.send("jobs", "job", Map.of("order", "A-1001"));
                Await.until(Duration.ofSeconds(10), "a dead letter", () -> deadLetters(admin, "jobs") == 1);
                broken.set(false);

                var d = browser.driver();
                d.get(stats + "/");
                assertTrue(d.findElements(By.cssSelector("[data-testid='queue-pause']")).isEmpty(), "read-only without login");
                click(browser, "operator-login");
                d.findElement(By.cssSelector("[data-testid='modal-input']")).sendKeys(OPERATOR_TOKEN);
                click(browser, "modal-ok");
                Await.until(Duration.ofSeconds(10), "logged in", () -> d.findElement(By.id("op-name")).getText().contains("operator"));

                // Requeue: browse the dead letter (reason, deliveries, body), search it, requeue it.
                Await.until(Duration.ofSeconds(10), "jobs in the dead-letter queue list", () ->
                        !d.findElements(By.cssSelector("[data-testid='dlq-queue'] option[value='jobs']")).isEmpty());
                new org.openqa.selenium.support.ui.Select(d.findElement(By.cssSelector("[data-testid='dlq-queue']"))).selectByValue("jobs");
                d.findElement(By.cssSelector("[data-testid='dlq-search']")).sendKeys("a-1001");
                click(browser, "dlq-go");
                Await.until(Duration.ofSeconds(10), "the dead letter listed", () -> rows(browser, "dlq-row").size() == 1);
                String row = rows(browser, "dlq-row").get(0).getText();
                assertTrue(row.contains("downstream is down") && row.contains("A-1001"), row);
                click(browser, "dlq-requeue");
                assertTrue(d.findElement(By.id("modal-text")).getText().contains("Requeue dead letter"));
                click(browser, "modal-ok");
                Await.until(Duration.ofSeconds(10), "requeued and processed", () -> done.get() == 1 && deadLetters(admin, "jobs") == 0);
                Await.until(Duration.ofSeconds(5), "the page confirms", () -> d.findElement(By.id("toast")).getText().contains("requeued"));
                assertTrue(cli(mesh, "dlq", "list", "jobs").contains("no dead letters"), "the CLI sees it gone");

                // Pause: the queue's consumers take nothing new; status (CLI) and the page show it paused.
                clickIn(browser, "queue-row", "jobs", "queue-pause");
                click(browser, "modal-ok");
                Await.until(Duration.ofSeconds(10), "paused", () -> admin.paused().contains("jobs"));
                Await.until(Duration.ofSeconds(10), "the page shows paused", () -> "true".equals(queueRow(browser, "jobs").getDomAttribute("data-paused")));
                assertTrue(cli(mesh, "status").contains("PAUSED"));
                Thread.sleep(1500); // a heartbeat: the worker saw the pause
                worker.send("jobs", "job", Map.of("order", "A-1002"));
                Thread.sleep(1500);
                assertEquals(1, done.get(), "a paused queue takes no new message");
                clickIn(browser, "queue-row", "jobs", "queue-resume");
                click(browser, "modal-ok");
                Await.until(Duration.ofSeconds(10), "resumed and processed", () -> done.get() == 2);
                JsonObject status = JsonParser.parseString(cli(mesh, "status", "--json")).getAsJsonObject();
                assertTrue(status.getAsJsonArray("queues").asList().stream().map(e -> e.getAsJsonObject())
                        .filter(q -> q.get("name").getAsString().equals("jobs")).noneMatch(q -> q.get("paused").getAsBoolean()));

                // Drain: app-1 finishes, deregisters and exits 0.
                String app = admin.instances().stream().filter(i -> i.role().equals("app")).findFirst().orElseThrow().id();
                clickIn(browser, "instance-row", app, "instance-drain");
                assertTrue(d.findElement(By.id("modal-text")).getText().contains("Drain " + app));
                click(browser, "modal-ok");
                Await.until(Duration.ofSeconds(20), "app-1 exited", () -> !mesh.process("app-1").isAlive());
                assertEquals(0, mesh.process("app-1").terminate(1), "a drained instance exits 0");
                Await.until(Duration.ofSeconds(10), "app-1 deregistered", () -> admin.instances().stream().noneMatch(i -> i.id().equals(app)));

                // Every action was recorded with who did it.
                String audit = http.get(stats + "/api/ops/audit", OPERATOR_TOKEN).body();
                for (String action : List.of("requeue", "pause", "resume", "drain")) assertTrue(audit.contains("\"action\":\"" + action + "\""), audit);
                assertTrue(audit.contains("page:operator@"), audit);
                assertTrue(mesh.process("stats-1").logText().contains("event=operator_action actor=page:operator@"));
                assertTrue(!mesh.process("stats-1").logText().contains(OPERATOR_TOKEN), "the token is never logged");
                browser.screenshot("operator-page.png");
                assertTrue(browser.consoleErrors().isEmpty(), "browser console errors: " + browser.consoleErrors());
            } finally {
                worker.close(Duration.ofSeconds(2));
            }
        }
    }

    private static long deadLetters(Admin admin, String queue) {
        return admin.queues().stream().filter(q -> q.name().equals(queue)).mapToLong(QueueInfo::deadLetters).sum();
    }

    private static String cli(Mesh mesh, String... args) {
        StringWriter out = new StringWriter();
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--config", mesh.configFile().toString()))
                .toArray(String[]::new);
        int code = Gorgon.execute(all, new PrintWriter(out), new PrintWriter(new StringWriter()), Map.of());
        assertEquals(0, code, String.join(" ", args) + ": " + out);
        return out.toString();
    }

    private static List<WebElement> rows(Browser b, String testId) {
        return b.driver().findElements(By.cssSelector("[data-testid='" + testId + "']"));
    }

    private static WebElement queueRow(Browser b, String queue) {
        return b.driver().findElement(By.cssSelector("[data-testid='queue-row'][data-queue='" + queue + "']"));
    }

    private static void click(Browser b, String testId) {
        Await.until(Duration.ofSeconds(10), () -> "clickable " + testId, () -> {
            try {
                b.driver().findElement(By.cssSelector("[data-testid='" + testId + "']")).click();
                return true;
            } catch (org.openqa.selenium.WebDriverException e) {
                return false; // re-rendered under us or not there yet: try again
            }
        });
    }

    /** Clicks a button inside a table row (tables re-render every second, so find and click in one go). */
    private static void clickIn(Browser b, String rowTestId, String key, String buttonTestId) {
        String attr = rowTestId.equals("queue-row") ? "data-queue" : "data-instance-id";
        Await.until(Duration.ofSeconds(15), () -> buttonTestId + " in " + key, () -> {
            Object clicked = b.script("const r = document.querySelector(\"[data-testid='" + rowTestId + "'][" + attr + "='" + key
                    + "'] [data-testid='" + buttonTestId + "']\"); if (r) r.click(); return !!r;");
            return Boolean.TRUE.equals(clicked);
        });
    }
}
