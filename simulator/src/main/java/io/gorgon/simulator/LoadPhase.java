package io.gorgon.simulator;

import io.gorgon.bus.Bus;
import io.gorgon.bus.Ids;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.HdrHistogram.Histogram;

/**
 * The load: HTTP readers on {@code GET /info/{uid}} spread over the live web instances, the inserter on store_put,
 * and optionally chaos, for the run's duration; one progress line per second.
 */
final class LoadPhase {
    private static final Duration WEB_WAIT = Duration.ofSeconds(15);

    private final Bus bus;
    private final Ids ids;
    private final SimulatorOptions options;
    private final Chaos chaos;
    private final String runTag;
    private final PrintStream out;
    private final BooleanSupplier stopped;
    private Inserter inserter;
    private HttpWriter writer;

    LoadPhase(Bus bus, Ids ids, SimulatorOptions options, Chaos chaos, String runTag, PrintStream out, BooleanSupplier stopped) {
        this.bus = bus;
        this.ids = ids;
        this.options = options;
        this.chaos = chaos;
        this.runTag = runTag;
        this.out = out;
        this.stopped = stopped;
    }

    /** The ids the load sent whose send was acknowledged / whose outcome is unknown; for the checker. */
    long[] acknowledged() {
        long[] bus = inserter == null ? new long[0] : inserter.acknowledged();
        long[] viaHttp = writer == null ? new long[0] : writer.acknowledged();
        return java.util.stream.LongStream.concat(java.util.Arrays.stream(bus), java.util.Arrays.stream(viaHttp)).toArray();
    }

    long[] unknown() {
        return inserter == null ? new long[0] : inserter.unknown();
    }

    /** simseqs of notes created over HTTP whose outcome is unknown (no id was seen). */
    long[] unknownSeqs() {
        return writer == null ? new long[0] : writer.unknownSeqs();
    }

    /**
     * Notes per second created through {@code POST /items} beside the store_put inserts, when there are HTTP clients:
     * a tenth of the insert rate, at most 20/s.
     */
    static double httpRate(double rate) {
        return Math.min(20, rate / 10);
    }

    LoadResult run(long[] userIds) {
        WebInstances web = new WebInstances(bus.admin(), options.webHosts());
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(executor)
                .connectTimeout(Duration.ofSeconds(2)).build();
        try {
            InfoClients clients = null;
            Outcomes outcomes = new Outcomes();
            String token = null;
            if (options.clients() > 0) {
                URI first = awaitWeb(web);
                token = token(new MeshHttp(http, options.requestTimeout()), first);
                clients = new InfoClients(web, userIds, token, options.requestTimeout(), outcomes, options.infoRate());
            }
            // Runs without HTTP clients (a bus-only mesh) create no notes over HTTP either.
            HttpWriter writer = new HttpWriter(web, http, token, options.clients() > 0 ? httpRate(options.rate()) : 0, runTag,
                    options.requestTimeout());
            this.writer = writer;
            Inserter inserter = new Inserter(bus, ids, userIds, options.rate(), runTag);
            this.inserter = inserter;
            out.printf("load: clients=%d%s rate=%.0f/s duration=%s web=%s chaos=%s%n", options.clients(),
                    options.infoRate() > 0 ? String.format(" (at most %.0f GET/s)", options.infoRate()) : "", options.rate(),
                    options.duration() == null ? "until stopped" : options.duration().toSeconds() + "s", web.current(),
                    options.chaos() ? "kill every " + options.killEvery().toMillis() + "ms" + (options.restartRedis() ? " + redis restart" : "") : "off");

            long start = System.nanoTime();
            ChaosMonkey monkey = null;
            if (options.chaos() || options.restartRedis()) {
                monkey = new ChaosMonkey(chaos, out, start);
                Duration restartAt = !options.restartRedis() ? null
                        : options.duration() == null ? Duration.ofSeconds(30) : options.duration().dividedBy(2);
                monkey.start(options.chaos() ? options.killEvery() : Duration.ofDays(365), restartAt);
            }
            if (clients != null) clients.start(options.clients());
            inserter.start();
            writer.start();

            List<LoadResult.Tick> timeline = new ArrayList<>();
            long deadline = options.duration() == null ? Long.MAX_VALUE : start + options.duration().toNanos();
            long warmupSeconds = (options.warmup().toMillis() + 999) / 1000;
            long measureFrom = start;
            if (warmupSeconds > 0) outcomes.measuring(false);
            QueueGauges gauges = new QueueGauges(bus.admin());
            long lastOk = 0, lastErrors = 0, lastInserts = 0, lastTick = start;
            int maxWeb = web.current().size();
            for (int second = 1; !stopped.getAsBoolean(); second++) {
                long due = Math.min(deadline, start + second * 1_000_000_000L);
                if (!sleepUntil(due)) break;
                long now = System.nanoTime();
                if (second % 2 == 0) web.refresh();
                maxWeb = Math.max(maxWeb, web.current().size());
                Histogram h = outcomes.interval();
                double dt = (now - lastTick) / 1e9;
                long ok = outcomes.ok(), errs = outcomes.errorCount(), ins = inserter.acknowledgedCount();
                QueueGauges.Snapshot g = gauges.read();
                LoadResult.Tick tick = new LoadResult.Tick(second, ReportWriter.round((ok - lastOk) / dt),
                        pct(h, 50), pct(h, 99), h.getTotalCount() == 0 ? 0 : ReportWriter.round(h.getMaxValue() / 1000.0),
                        errs - lastErrors, ReportWriter.round((ins - lastInserts) / dt),
                        g == null ? -1 : g.backlog(), g == null ? -1 : g.pending(), web.current().size());
                timeline.add(tick);
                out.println(line(tick, outcomes.errors(), g));
                lastOk = ok;
                lastErrors = errs;
                lastInserts = ins;
                lastTick = now;
                if (second == warmupSeconds) {
                    outcomes.measuring(true);
                    measureFrom = now;
                    out.println("load: warm-up over, measuring from here");
                }
                if (now >= deadline) break;
            }
            if (clients != null) clients.halt();
            inserter.halt();
            writer.stop();
            long end = System.nanoTime();
            double seconds = (end - start) / 1e9;
            double measured = warmupSeconds > 0 && measureFrom == start ? 0 : (end - measureFrom) / 1e9;
            if (monkey != null) monkey.stop();
            if (clients != null) clients.stop();
            inserter.stop();
            outcomes.interval();
            return new LoadResult(seconds, measured, outcomes.ok(), outcomes.errors(), outcomes.unanswered(), outcomes.total(),
                    inserter.attempted(), inserter.acknowledgedCount(), inserter.unknownCount(), timeline,
                    monkey == null ? List.of() : monkey.events(), maxWeb);
        } finally {
            http.shutdownNow();
            executor.shutdownNow();
        }
    }

    static String line(LoadResult.Tick t, Map<String, Long> errorsByKind, QueueGauges.Snapshot g) {
        return String.format("t=%ds info/s=%.0f p50=%.2fms p99=%.2fms max=%.2fms errors=%d%s inserts/s=%.0f %s web=%d%s",
                t.second(), t.requestsPerS(), t.p50Ms(), t.p99Ms(), t.maxMs(), t.errors(),
                errorsByKind.isEmpty() ? "" : errorsByKind.toString().replace(" ", ""), t.insertsPerS(),
                g == null ? "backlog=? pending=? (redis unreachable)" : g.line(), t.webInstances(), behind(g));
    }

    /** When a queue falls behind, which one and the likely reason, so a user knows what they are looking at. */
    static String behind(QueueGauges.Snapshot g) {
        if (g == null || g.behind().isEmpty()) return "";
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        double load = os.getSystemLoadAverage();
        int cpus = os.getAvailableProcessors();
        String why = g.behind().stream().anyMatch(q -> q.contains("consumers=0)")) ? "no live consumer: an instance is down or restarting"
                : load > cpus ? String.format("the machine is saturated: load average %.1f on %d cores; lower --rate/--clients or provider.ratePerSecond", load, cpus)
                : "its consumers are slower than its producers: scale the consuming role (scripts/gorgon scale ROLE=N)";
        return " BEHIND " + String.join(" ", g.behind()) + " - " + why;
    }

    private URI awaitWeb(WebInstances web) {
        long deadline = System.nanoTime() + WEB_WAIT.toNanos();
        while (!stopped.getAsBoolean()) {
            List<URI> live = web.refresh();
            if (!live.isEmpty()) return live.get(0);
            if (System.nanoTime() > deadline) break;
            sleepUntil(System.nanoTime() + 250_000_000L);
        }
        throw new SimulationFailure("no live web instance in the registry of namespace '" + options.namespace()
                + "' after " + WEB_WAIT.toSeconds() + "s (is the mesh up? web instances advertise an \"http\" port)");
    }

    /** A bearer token for the reads; auth may be restarting, so a few tries. */
    private String token(MeshHttp api, URI base) {
        IOException last = null;
        for (int attempt = 1; attempt <= 5 && !stopped.getAsBoolean(); attempt++) {
            try {
                return api.loadUserToken(base, runTag);
            } catch (IOException e) {
                last = e;
                sleepUntil(System.nanoTime() + 1_000_000_000L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new SimulationFailure("cannot get a token for the load user: " + (last == null ? "stopped" : last.getMessage()));
    }

    private static double pct(Histogram h, double p) {
        return h.getTotalCount() == 0 ? 0 : ReportWriter.round(h.getValueAtPercentile(p) / 1000.0);
    }

    /** False if interrupted. */
    private static boolean sleepUntil(long nanos) {
        long wait;
        while ((wait = nanos - System.nanoTime()) > 0) {
            try {
                Thread.sleep(Math.max(1, wait / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
