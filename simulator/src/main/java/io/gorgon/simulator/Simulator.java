package io.gorgon.simulator;

import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Projections;
import io.gorgon.bus.Bus;
import io.gorgon.bus.BusOptions;
import io.gorgon.bus.Ids;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.bson.Document;

/**
 * {@code gorgon simulate}: the Gorgon seed's scenario against a running mesh. Seeds users and notes through
 * store_put, then reads {@code GET /info/{uid}} with concurrent clients while inserting notes at a steady rate,
 * optionally killing instances, and finally checks that every acknowledged note is stored exactly once.
 *
 * <p>Everything goes through {@link #run}, which returns the exit code (0 passed, 1 failed or could not run, 2 bad
 * options) and never exits the JVM; {@link #stop()} (e.g. from a Ctrl-C hook) ends the load early, still reporting.
 */
public final class Simulator {
    private volatile boolean stopRequested;
    private final CountDownLatch finished = new CountDownLatch(1);

    /** Ends the current phase early; the run still checks and reports. */
    public void stop() {
        stopRequested = true;
    }

    /** For a shutdown hook: waits until {@link #run} has written its report. */
    public boolean awaitFinished(Duration limit) throws InterruptedException {
        return finished.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * @param chaos the faults to inject with --chaos/--restart-redis; null = {@link Chaos#local(Bus)}
     */
    public int run(SimulatorOptions options, Chaos chaos, PrintStream out) {
        try {
            return runPhases(options, chaos, out);
        } catch (SimulationFailure e) {
            out.println("simulate: " + e.getMessage());
            return 1;
        } finally {
            finished.countDown();
        }
    }

    private boolean stopped() {
        return stopRequested || Thread.currentThread().isInterrupted();
    }

    private int runPhases(SimulatorOptions o, Chaos chaos, PrintStream out) {
        Instant startedAt = Instant.now();
        String runTag = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36, 36L * 36 * 36 * 36 * 36 * 36), 36);
        Bus bus;
        try {
            bus = Bus.connect(BusOptions.of(o.redisUri(), "simulator").withNamespace(o.namespace()));
        } catch (RuntimeException e) {
            throw new SimulationFailure("cannot connect to redis at " + redact(o.redisUri()) + ": " + e.getMessage());
        }
        try (MongoClient mongo = MongoClients.create(o.mongoUri())) {
            out.printf("simulate: run=%s namespace=%s users=%d items=%d%n", runTag, o.namespace(), o.users(), o.items());
            Ids ids = Ids.fromRedis(o.redisUri(), o.namespace());
            List<String> failures = new ArrayList<>();

            Seeder.Result seed = null;
            long[] userIds;
            if (o.loadOnly()) {
                userIds = storedUsers(mongo, o);
            } else {
                seed = new Seeder(bus, ids, runTag, out, this::stopped).seed(o.users(), o.items(), o.drainTimeout());
                userIds = seed.userIds();
                if (!seed.drained() && !stopped()) {
                    failures.add("store_put did not drain within " + o.drainTimeout().toSeconds() + "s after seeding");
                }
            }

            LoadResult load = null;
            Checker.Result check = null;
            if (!o.seedOnly() && !stopped()) {
                LoadPhase phase = new LoadPhase(bus, ids, o, chaos != null ? chaos : Chaos.local(bus), runTag, out, this::stopped);
                load = phase.run(userIds);
                if (load.insertsAttempted() > 0) {
                    check = check(mongo, bus, o, phase.acknowledged(), phase.unknown(), phase.unknownSeqs(), runTag, out);
                }
                if (check != null) {
                    if (check.lost() > 0) failures.add(check.lost() + " acknowledged notes lost, e.g. ids "
                            + check.lostSample().subList(0, Math.min(5, check.lostSample().size())));
                    if (check.duplicates() > 0) failures.add(check.duplicates() + " duplicate notes");
                    if (check.unexpected() > 0) failures.add(check.unexpected() + " unexpected notes (stored, never sent)");
                }
                if (load.unanswered() > 0) failures.add(load.unanswered() + " requests got neither a success nor a clear error");
                out.printf("lost=%d duplicates=%d unanswered=%d unexpected=%d recovered=%d acknowledged=%d%n",
                        check == null ? 0 : check.lost(), check == null ? 0 : check.duplicates(), load.unanswered(),
                        check == null ? 0 : check.unexpected(), check == null ? 0 : check.recovered(),
                        check == null ? 0 : check.acknowledged());
            }

            int exit = failures.isEmpty() ? 0 : 1;
            RunReport report = new RunReport(startedAt, o, runTag, seed, load, check, failures, exit);
            ReportWriter.table(report, out);
            if (o.report() != null) exit = writeReport(report, o.report(), out, exit);
            return exit;
        } catch (MongoException e) {
            throw new SimulationFailure("cannot read MongoDB at " + redact(o.mongoUri()) + ": " + e.getMessage());
        } finally {
            try {
                bus.close(Duration.ofSeconds(3));
            } catch (RuntimeException ignored) {
                // closing a bus whose Redis is gone: nothing left to release
            }
        }
    }

    private static int writeReport(RunReport report, Path path, PrintStream out, int exit) {
        try {
            Path html = ReportWriter.write(report, path);
            out.println("report: " + path + " and " + html);
            return exit;
        } catch (IOException e) {
            out.println("simulate: cannot write the report to " + path + ": " + e.getMessage());
            return 1;
        }
    }

    /** For --load-only: the users the store already has (up to --users of them). */
    private static long[] storedUsers(MongoClient mongo, SimulatorOptions o) {
        List<Long> ids = new ArrayList<>();
        for (Document d : mongo.getDatabase(o.mongoDatabase()).getCollection("users").find()
                .projection(Projections.include("_id")).limit(o.users())) {
            if (d.get("_id") instanceof Number n) ids.add(n.longValue());
        }
        if (ids.isEmpty()) {
            throw new SimulationFailure("no users in MongoDB database '" + o.mongoDatabase() + "': seed first (run without --load-only)");
        }
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** Waits until every acknowledged note is stored (or the drain timeout), then runs the full check. */
    private Checker.Result check(MongoClient mongo, Bus bus, SimulatorOptions o, long[] acked, long[] unknown, long[] unknownSeqs,
                                 String runTag, PrintStream out) {
        MongoCollection<Document> items = mongo.getDatabase(o.mongoDatabase()).getCollection("items");
        Checker checker = new Checker(items);
        QueueGauges gauges = new QueueGauges(bus.admin());
        long deadline = System.nanoTime() + o.drainTimeout().toNanos();
        long[] missing = checker.missing(acked);
        // Not cut short by stop(): a Ctrl-C ends the load, and the notes it already sent must still be checked.
        while (missing.length > 0 && System.nanoTime() < deadline) {
            QueueGauges.Snapshot g = gauges.read();
            out.printf("check: waiting for %d of %d acknowledged notes to reach the store (store_put queued=%s)%n",
                    missing.length, acked.length, g == null ? "?" : Long.toString(g.storePutOutstanding()));
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            missing = checker.missing(missing);
        }
        Checker.Result r = checker.check(acked, unknown, unknownSeqs, runTag);
        out.printf("check: %d acknowledged notes checked in MongoDB%n", r.acknowledged());
        return r;
    }

    /** A URI without its password, for messages. */
    static String redact(String uri) {
        return uri == null ? null : uri.replaceAll("//([^:/@]*):[^@/]*@", "//$1:***@");
    }
}
