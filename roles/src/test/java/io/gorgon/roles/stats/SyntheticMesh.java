package io.gorgon.roles.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.HdrHistogram.Histogram;

/**
 * A believable mesh for stats tests: eight instances, six queues, per-second snapshots with lognormal latencies whose
 * median drifts slowly (so the heatmap has shape), and a fixed {@link MeshView}.
 */
final class SyntheticMesh implements MeshView {
    static final List<String> QUEUES = List.of("auth_check", "auth_login", "store_get", "store_put", "store_search", "store_notify");
    private final long startedAt = System.currentTimeMillis() - 3_725_000;
    private final Random random = new Random(42);

    record Member(String role, String id, String host, long pid, List<Integer> ports, Status status, List<String> consumes) {}

    final List<Member> members = List.of(
            new Member("web", "web-7f3a", "h1", 4101, List.of(8080), Status.LIVE, List.of()),
            new Member("web", "web-91c2", "h2", 4102, List.of(8080), Status.LIVE, List.of()),
            new Member("auth", "auth-2b8e", "h1", 4103, List.of(), Status.LIVE, List.of("auth_check", "auth_login")),
            new Member("store", "store-c41d", "h1", 4104, List.of(), Status.LIVE, List.of("store_get", "store_put", "store_search")),
            new Member("store", "store-5e07", "h2", 4105, List.of(), Status.LATE, List.of("store_get", "store_put", "store_search")),
            new Member("notify", "notify-a9f0", "h2", 4106, List.of(8082), Status.LIVE, List.of("store_notify")),
            new Member("provider", "provider-13d6", "h1", 4107, List.of(), Status.LIVE, List.of()),
            new Member("stats", "stats-0c5b", "h1", 4108, List.of(8081), Status.GONE, List.of()));

    List<String> instanceIds() {
        return members.stream().map(Member::id).toList();
    }

    /** The snapshots every instance would publish for the second starting at {@code ts}. */
    synchronized List<MetricsSnapshot> second(long ts) {
        double phase = (ts / 1000 % 120) / 120.0 * 2 * Math.PI;
        double load = 1 + 0.5 * Math.sin(phase);
        List<MetricsSnapshot> out = new ArrayList<>();
        for (Member m : members) {
            if (m.status() == Status.GONE) continue;
            Map<String, MetricsSnapshot.QueueCounters> queues = new LinkedHashMap<>();
            Map<String, String> latency = new LinkedHashMap<>();
            if (m.role().equals("web")) {
                int requests = (int) (60 * load) + random.nextInt(20);
                latency.put("http", encode(lognormal(requests, 2_500 * load, 0.7)));
                for (String q : QUEUES) {
                    if (q.equals("store_notify")) continue;
                    queues.put(q, new MetricsSnapshot.QueueCounters(requests / 3 + random.nextInt(5), 0, 0, 0, 0));
                }
            }
            if (m.role().equals("provider")) { // feed polling: mostly 304s, a few errors, some new entries
                int polls = (int) (30 * load) + random.nextInt(10), notModified = polls * 4 / 5, errors = random.nextInt(3);
                latency.put("feed.fetch", encode(lognormal(polls, 4_000, 0.8)));
                latency.put("feed.fetch.304", encode(lognormal(notModified, 3_000, 0.5)));
                if (errors > 0) latency.put("feed.fetch.error", encode(lognormal(errors, 900_000, 0.5)));
                latency.put("feed.freshness", encode(lognormal(1 + random.nextInt(5), 4_000_000 * load, 0.9)));
            }
            if (m.role().equals("store")) queues.put("store_notify", new MetricsSnapshot.QueueCounters((int) (20 * load) + random.nextInt(4), 0, 0, 0, 0));
            for (String q : m.consumes()) {
                long consumers = members.stream().filter(o -> o.consumes().contains(q)).count();
                int done = (int) (40 * load / consumers) + random.nextInt(5); // about what the web instances send
                int failed = random.nextInt(50) == 0 ? 1 + random.nextInt(3) : 0;
                int redelivered = random.nextInt(15) == 0 ? 1 : 0;
                int dead = random.nextInt(200) == 0 ? 1 : 0;
                queues.merge(q, new MetricsSnapshot.QueueCounters(0, done, failed, redelivered, dead), SyntheticMesh::sum);
                latency.put("queue:" + q, encode(lognormal(done, (q.startsWith("store") ? 1_800 : 700) * load, 0.6)));
            }
            out.add(new MetricsSnapshot(m.id(), m.role(), m.host(), m.pid(), ts, queues, latency));
        }
        return out;
    }

    private static MetricsSnapshot.QueueCounters sum(MetricsSnapshot.QueueCounters a, MetricsSnapshot.QueueCounters b) {
        return new MetricsSnapshot.QueueCounters(a.sent() + b.sent(), a.processed() + b.processed(), a.failed() + b.failed(),
                a.redelivered() + b.redelivered(), a.deadLettered() + b.deadLettered());
    }

    private Histogram lognormal(int n, double medianMicros, double sigma) {
        Histogram h = new Histogram(60_000_000L, 2);
        for (int i = 0; i < n; i++) {
            double v = medianMicros * Math.exp(sigma * random.nextGaussian());
            if (random.nextInt(400) == 0) v *= 40; // the odd slow request: the heatmap's outliers
            h.recordValue(Math.max(1, Math.min(59_000_000L, (long) v)));
        }
        return h;
    }

    private static String encode(Histogram h) {
        return MetricsSnapshot.encode(h);
    }

    @Override
    public synchronized List<QueueGauge> queues() {
        List<QueueGauge> out = new ArrayList<>();
        for (String q : QUEUES) {
            long length = random.nextInt(q.equals("store_search") ? 300 : 12);
            out.add(new QueueGauge(q, length, random.nextInt(8), length == 0 ? 0 : 20 + random.nextInt(q.equals("store_search") ? 15_000 : 400),
                    q.startsWith("store") && !q.equals("store_notify") ? 2 : 1, q.equals("store_put") ? 3 : 0));
        }
        return out;
    }

    @Override
    public synchronized List<InstanceRow> instances() {
        long now = System.currentTimeMillis();
        List<InstanceRow> out = new ArrayList<>();
        int i = 0;
        for (Member m : members) {
            long beat = switch (m.status()) {
                case LIVE -> now - random.nextInt(900);
                case LATE -> now - 2_400;
                case GONE -> now - 41_000;
            };
            double rate = m.status() == Status.GONE ? 0 : 40 + random.nextInt(60);
            out.add(new InstanceRow(m.role(), m.id(), m.host(), m.pid(), m.ports(), startedAt + 60_000L * i++, beat, m.status(), rate));
        }
        return out;
    }

    @Override
    public Map<String, Long> deadLetters() {
        return Map.of("store_put", 3L, "auth_login", 1L);
    }
}
