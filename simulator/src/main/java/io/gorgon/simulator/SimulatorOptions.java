package io.gorgon.simulator;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One simulation run: seed data, then load (HTTP reads + bus inserts), optionally with chaos, then the loss check.
 *
 * @param users        synthetic users to seed (and to read the notes of)
 * @param items        info notes to seed, spread over the users
 * @param clients      concurrent HTTP clients, each a closed loop of {@code GET /info/{uid}}
 * @param rate         new notes per second sent onto store_put during the load, like the provider role (0 = none)
 * @param duration     how long the load runs; null = until {@link Simulator#stop()} (Ctrl-C)
 * @param chaos        SIGKILL a random role instance every {@code killEvery} during the load
 * @param killEvery    the pause between two kills
 * @param restartRedis restart Redis once, half-way through the load (needs a {@link Chaos} that can)
 * @param report       JSON report file; an HTML page with the latency chart is written next to it; null = none
 * @param seedOnly     seed, wait until the store has it all, report, stop
 * @param loadOnly     skip seeding: read the user ids from MongoDB instead
 * @param redisUri     the mesh's Redis
 * @param namespace    the mesh's key namespace
 * @param mongoUri     the store's MongoDB (for the checker and, with loadOnly, the user ids)
 * @param mongoDatabase the store's database
 * @param webHosts     base URLs of web instances; empty = discover live "web" instances in the bus registry
 * @param requestTimeout how long one HTTP request may take before it counts as unanswered
 * @param drainTimeout how long to wait for store_put to drain before seeding is done and before the check
 * @param warmup       the first part of the load left out of latency and throughput (JIT, connection set-up); its
 *                     errors still count
 * @param infoRate     the most {@code GET /info} requests per second, all clients together (0 = as fast as they
 *                     are answered). A closed loop alone takes whatever CPU there is, which on a small machine
 *                     starves the queues behind the store; the demo paces its readers
 */
public record SimulatorOptions(int users, long items, int clients, double rate, Duration duration, boolean chaos,
                               Duration killEvery, boolean restartRedis, Path report, boolean seedOnly, boolean loadOnly,
                               String redisUri, String namespace, String mongoUri, String mongoDatabase,
                               List<URI> webHosts, Duration requestTimeout, Duration drainTimeout, Duration warmup,
                               double infoRate) {
    public SimulatorOptions {
        Objects.requireNonNull(redisUri, "redisUri");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(mongoUri, "mongoUri");
        Objects.requireNonNull(mongoDatabase, "mongoDatabase");
        webHosts = webHosts == null ? List.of() : List.copyOf(webHosts);
        killEvery = killEvery == null ? Duration.ofSeconds(10) : killEvery;
        requestTimeout = requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout;
        drainTimeout = drainTimeout == null ? Duration.ofSeconds(120) : drainTimeout;
        warmup = warmup == null ? Duration.ZERO : warmup;
        if (warmup.isNegative()) throw new IllegalArgumentException("--warmup must be >= 0");
        if (duration != null && warmup.compareTo(duration) >= 0) {
            throw new IllegalArgumentException("--warmup must be shorter than --duration");
        }
        if (users < 1) throw new IllegalArgumentException("--users must be >= 1, got " + users);
        if (items < 0) throw new IllegalArgumentException("--items must be >= 0, got " + items);
        if (clients < 0) throw new IllegalArgumentException("--clients must be >= 0, got " + clients);
        if (!(infoRate >= 0) || Double.isInfinite(infoRate)) throw new IllegalArgumentException("--info-rate must be >= 0, got " + infoRate);
        if (!(rate >= 0) || Double.isInfinite(rate)) throw new IllegalArgumentException("--rate must be >= 0, got " + rate);
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("--duration must be positive, got " + duration.toSeconds() + "s");
        }
        if (killEvery.toMillis() < 100) throw new IllegalArgumentException("--kill-every must be >= 100ms");
        if (requestTimeout.toMillis() < 1) throw new IllegalArgumentException("--request-timeout must be positive");
        if (seedOnly && loadOnly) throw new IllegalArgumentException("--seed-only and --load-only exclude each other");
        if (seedOnly && (chaos || restartRedis)) throw new IllegalArgumentException("--chaos needs a load phase, not --seed-only");
        for (URI u : webHosts) {
            if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
                throw new IllegalArgumentException("web host must be an http:// URL, got " + u);
            }
        }
    }

    /** The seed's scenario: 10k users, 1M notes, 100 clients, 1000 inserts/s for 60 s, against a local mesh. */
    public static SimulatorOptions defaults() {
        return new SimulatorOptions(10_000, 1_000_000, 100, 1000, Duration.ofSeconds(60), false, Duration.ofSeconds(10),
                false, null, false, false, "redis://127.0.0.1:6390", "gorgon", "mongodb://127.0.0.1:27117", "gorgon",
                List.of(), Duration.ofSeconds(10), Duration.ofSeconds(120), Duration.ZERO, 0);
    }

    public SimulatorOptions withScale(int users, long items) {
        return new SimulatorOptions(users, items, clients, rate, duration, chaos, killEvery, restartRedis, report, seedOnly,
                loadOnly, redisUri, namespace, mongoUri, mongoDatabase, webHosts, requestTimeout, drainTimeout, warmup, infoRate);
    }

    public SimulatorOptions withLoad(int clients, double rate, Duration duration) {
        return new SimulatorOptions(users, items, clients, rate, duration, chaos, killEvery, restartRedis, report, seedOnly,
                loadOnly, redisUri, namespace, mongoUri, mongoDatabase, webHosts, requestTimeout, drainTimeout, warmup, infoRate);
    }

    public SimulatorOptions withChaos(boolean chaos, Duration killEvery, boolean restartRedis) {
        return new SimulatorOptions(users, items, clients, rate, duration, chaos, killEvery, restartRedis, report, seedOnly,
                loadOnly, redisUri, namespace, mongoUri, mongoDatabase, webHosts, requestTimeout, drainTimeout, warmup, infoRate);
    }

    public SimulatorOptions withPhases(boolean seedOnly, boolean loadOnly) {
        return new SimulatorOptions(users, items, clients, rate, duration, chaos, killEvery, restartRedis, report, seedOnly,
                loadOnly, redisUri, namespace, mongoUri, mongoDatabase, webHosts, requestTimeout, drainTimeout, warmup, infoRate);
    }

    public SimulatorOptions withReport(Path report) {
        return new SimulatorOptions(users, items, clients, rate, duration, chaos, killEvery, restartRedis, report, seedOnly,
                loadOnly, redisUri, namespace, mongoUri, mongoDatabase, webHosts, requestTimeout, drainTimeout, warmup, infoRate);
    }

    public SimulatorOptions withMesh(String redisUri, String namespace, String mongoUri, String mongoDatabase) {
        return new SimulatorOptions(users, items, clients, rate, duration, chaos, killEvery, restartRedis, report, seedOnly,
                loadOnly, redisUri, namespace, mongoUri, mongoDatabase, webHosts, requestTimeout, drainTimeout, warmup, infoRate);
    }

    public SimulatorOptions withWebHosts(List<URI> webHosts) {
        return new SimulatorOptions(users, items, clients, rate, duration, chaos, killEvery, restartRedis, report, seedOnly,
                loadOnly, redisUri, namespace, mongoUri, mongoDatabase, webHosts, requestTimeout, drainTimeout, warmup, infoRate);
    }

    public SimulatorOptions withTimeouts(Duration requestTimeout, Duration drainTimeout) {
        return new SimulatorOptions(users, items, clients, rate, duration, chaos, killEvery, restartRedis, report, seedOnly,
                loadOnly, redisUri, namespace, mongoUri, mongoDatabase, webHosts, requestTimeout, drainTimeout, warmup, infoRate);
    }

    public SimulatorOptions withInfoRate(double infoRate) {
        return new SimulatorOptions(users, items, clients, rate, duration, chaos, killEvery, restartRedis, report, seedOnly,
                loadOnly, redisUri, namespace, mongoUri, mongoDatabase, webHosts, requestTimeout, drainTimeout, warmup, infoRate);
    }

    public SimulatorOptions withWarmup(Duration warmup) {
        return new SimulatorOptions(users, items, clients, rate, duration, chaos, killEvery, restartRedis, report, seedOnly,
                loadOnly, redisUri, namespace, mongoUri, mongoDatabase, webHosts, requestTimeout, drainTimeout, warmup, infoRate);
    }

    /**
     * Parses a CLI duration: {@code 60s}, {@code 500ms}, {@code 2m}, {@code 1h}, or a plain number of seconds.
     * Throws IllegalArgumentException naming the flag, ready to print.
     */
    public static Duration parseDuration(String flag, String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})(ms|s|m|h)?").matcher(text == null ? "" : text.trim());
        if (!m.matches()) throw new IllegalArgumentException(flag + " expects a duration like 60s, 500ms, 2m or 1h, got '" + text + "'");
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofSeconds(n);
        };
    }
}
