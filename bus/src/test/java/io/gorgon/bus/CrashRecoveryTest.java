package io.gorgon.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gorgon.bus.redis.LocalRedis;
import io.gorgon.bus.testing.Await;
import io.gorgon.bus.testing.ChildJvm;
import io.gorgon.bus.testing.RedisTestBase;
import io.gorgon.bus.testing.TestBuses;
import io.gorgon.bus.testing.WorkerProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.UnifiedJedis;

/**
 * Consumers and Redis die for real (SIGKILL), and we count like Jepsen's queue checker: every acknowledged send is
 * delivered (lost = 0); duplicates are reported; nothing unexpected appears.
 */
class CrashRecoveryTest extends RedisTestBase {
    @TempDir
    Path tmp;

    @Test
    void survivorsFinishTheWorkOfAKilledConsumerWithinFiveSeconds() {
        int total = 3000;
        String ns = buses.namespace();
        List<ChildJvm> workers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                workers.add(ChildJvm.start(WorkerProcess.class, List.of(redis.uri(), ns, "worker-" + i, "work", "5"), Map.of(),
                        tmp.resolve("worker-" + i + ".log")));
            }
            Await.until(Duration.ofSeconds(30), "workers ready", () -> workers.stream().allMatch(w -> w.logText().contains("ready")));
            // Production timings: heartbeat 1 s, takeover after 3 s.
            Bus producer = buses.bus(BusOptions.of(redis.uri(), "producer").withNamespace(ns));
            List<CompletableFuture<Void>> acked = new ArrayList<>();
            for (int n = 0; n < total; n++) acked.add(producer.sendAsync("work", "job", Map.of("n", n)));
            acked.forEach(CompletableFuture::join); // every send acknowledged by Redis

            try (UnifiedJedis j = redis.client()) {
                Await.until(Duration.ofSeconds(30), "some progress", () -> j.llen(ns + ":done") > 300);
                String stream = ns + ":q:{work}";
                long victimPending = pendingOf(j, stream, "worker-0");
                workers.get(0).kill();
                long killedAt = System.nanoTime();
                assertTrue(victimPending > 0, "the victim had messages in flight when killed");
                Await.until(Duration.ofSeconds(5), "victim's pending taken over", () -> pendingOf(j, stream, "worker-0") == 0);
                double takeoverSeconds = (System.nanoTime() - killedAt) / 1e9;

                Await.until(Duration.ofSeconds(60), "all delivered", () -> distinctDone(j, ns) == total);
                Map<String, Integer> counts = counts(j.lrange(ns + ":done", 0, -1));
                long lost = 0;
                for (int n = 0; n < total; n++) if (!counts.containsKey(String.valueOf(n))) lost++;
                long duplicated = counts.values().stream().filter(c -> c > 1).count();
                long unexpected = counts.keySet().stream().filter(k -> Integer.parseInt(k) >= total).count();
                System.out.printf("crash-check: sent=%d lost=%d duplicated=%d unexpected=%d victimInFlight=%d takeover=%.2fs%n",
                        total, lost, duplicated, unexpected, victimPending, takeoverSeconds);
                assertEquals(0, lost, "lost");
                assertEquals(0, unexpected, "unexpected");
                assertTrue(duplicated <= victimPending, "only the victim's in-flight work can run twice");
            }
        } finally {
            workers.forEach(ChildJvm::close);
        }
    }

    @Test
    void aRedisOutageFailsSendsWithUnavailableAndWorkResumesAfterwardsWithoutLosingAcknowledgedSends() {
        onOneRedisOnly(); // a crash of the one redis-server; the cluster's counterpart is the failover drill
        try (LocalRedis crashing = crashableRedis(tmp.resolve("redis")); TestBuses crashBuses = new TestBuses(crashing.uri())) {
            Bus worker = crashBuses.bus(crashBuses.options("worker").withSendTimeout(Duration.ofSeconds(1)));
            java.util.Set<Integer> processed = java.util.concurrent.ConcurrentHashMap.newKeySet();
            worker.consume("jobs", ConsumerOptions.defaults(), m -> processed.add(m.body().getAsJsonObject().get("n").getAsInt()));
            Bus producer = crashBuses.bus(crashBuses.options("producer").withSendTimeout(Duration.ofSeconds(1)));
            List<Integer> acknowledged = new ArrayList<>();
            for (int n = 0; n < 100; n++) {
                producer.send("jobs", "job", Map.of("n", n));
                acknowledged.add(n);
            }
            crashing.kill(); // SIGKILL: a crash, not a clean shutdown
            for (int n = 100; n < 103; n++) {
                int k = n;
                BusException e = org.junit.jupiter.api.Assertions.assertThrows(BusException.class,
                        () -> producer.send("jobs", "job", Map.of("n", k)), "a send during the outage fails loudly");
                assertEquals(Failure.UNAVAILABLE, e.failure(), e.toString());
            }
            // A send whose deadline outlasts the outage succeeds once Redis is back.
            Bus patient = crashBuses.bus(crashBuses.options("producer").withSendTimeout(Duration.ofSeconds(10)));
            CompletableFuture<Void> during = patient.sendAsync("jobs", "job", Map.of("n", 103));
            Await.pause(Duration.ofMillis(500));
            assertTrue(!during.isDone(), "still retrying while Redis is down");
            crashing.start(); // same port and data directory: AOF replay
            during.join();
            acknowledged.add(103);
            for (int n = 200; n < 220; n++) {
                int k = n;
                Await.until(Duration.ofSeconds(15), "send after recovery", () -> {
                    try {
                        producer.send("jobs", "job", Map.of("n", k));
                        return true;
                    } catch (BusException e) {
                        return false;
                    }
                });
                acknowledged.add(n);
            }
            Await.until(Duration.ofSeconds(20), () -> "all acknowledged sends processed; missing "
                    + acknowledged.stream().filter(n -> !processed.contains(n)).toList(), () -> processed.containsAll(acknowledged));
        }
    }

    @Test
    void withAppendfsyncAlwaysARedisCrashLosesNoAcknowledgedSend() {
        onOneRedisOnly(); // a crash of the one redis-server; the cluster's counterpart is the failover drill
        try (LocalRedis crashing = crashableRedis(tmp.resolve("aof")); TestBuses crashBuses = new TestBuses(crashing.uri())) {
            Bus producer = crashBuses.bus("producer");
            List<CompletableFuture<Void>> acks = new ArrayList<>();
            for (int n = 0; n < 2000; n++) acks.add(producer.sendAsync("durable", "job", Map.of("n", n)));
            acks.forEach(CompletableFuture::join);
            crashing.kill();
            crashing.start();
            try (Jedis j = new Jedis("127.0.0.1", crashing.port())) {
                assertEquals(2000, j.xlen(crashBuses.namespace() + ":q:{durable}"), "every acknowledged send survived SIGKILL of redis-server");
            }
        }
    }

    private static void onOneRedisOnly() {
        org.junit.jupiter.api.Assumptions.assumeFalse(redis.cluster(), "runs on a single redis-server only");
    }

    private static long pendingOf(UnifiedJedis j, String stream, String consumer) {
        var summary = j.xpending(stream, "worker");
        Long n = summary.getConsumerMessageCount() == null ? null : summary.getConsumerMessageCount().get(consumer);
        return n == null ? 0 : n;
    }

    private static long distinctDone(UnifiedJedis j, String ns) {
        return new java.util.HashSet<>(j.lrange(ns + ":done", 0, -1)).size();
    }

    private static Map<String, Integer> counts(List<String> values) {
        Map<String, Integer> m = new HashMap<>();
        for (String v : values) m.merge(v, 1, Integer::sum);
        return m;
    }
}
