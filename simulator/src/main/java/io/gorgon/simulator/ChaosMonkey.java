package io.gorgon.simulator;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** Injects the drill's faults on a schedule: a SIGKILL of a random instance every period, Redis restarted once. */
final class ChaosMonkey {
    private final Chaos chaos;
    private final PrintStream out;
    private final long startNanos;
    private final List<LoadResult.ChaosEvent> events = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sim-chaos");
        t.setDaemon(true);
        return t;
    });

    ChaosMonkey(Chaos chaos, PrintStream out, long startNanos) {
        this.chaos = chaos;
        this.out = out;
        this.startNanos = startNanos;
    }

    /** @param redisRestartAt when to restart Redis, or null for never */
    void start(Duration killEvery, Duration redisRestartAt) {
        long every = killEvery.toMillis();
        timer.scheduleAtFixedRate(this::killOne, every, every, TimeUnit.MILLISECONDS);
        if (redisRestartAt != null) timer.schedule(this::restartRedis, redisRestartAt.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(30, TimeUnit.SECONDS); // a Redis restart under way finishes first
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    List<LoadResult.ChaosEvent> events() {
        return List.copyOf(events);
    }

    private void killOne() {
        String target = null;
        try {
            List<String> candidates = chaos.instances();
            if (candidates.isEmpty()) {
                record("kill", "-", false, "no instance to kill");
                return;
            }
            target = candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
            chaos.kill(target);
            record("kill", target, true, "SIGKILL");
        } catch (RuntimeException e) {
            record("kill", target == null ? "-" : target, false, e.getMessage());
        }
    }

    private void restartRedis() {
        try {
            chaos.restartRedis();
            record("restart-redis", "redis", true, "restarted");
        } catch (RuntimeException e) {
            record("restart-redis", "redis", false, e.getMessage());
        }
    }

    private void record(String action, String target, boolean ok, String message) {
        double at = (System.nanoTime() - startNanos) / 1e9;
        events.add(new LoadResult.ChaosEvent(ReportWriter.round(at), action, target, ok, message));
        out.printf("chaos t=%.1fs action=%s target=%s ok=%s %s%n", at, action, target, ok, message == null ? "" : message);
    }
}
