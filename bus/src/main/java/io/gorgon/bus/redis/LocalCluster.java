package io.gorgon.bus.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.Jedis;

/**
 * A real Redis Cluster on loopback: {@code primaries} primaries with {@code replicas} replica(s) each, every node a
 * {@link LocalRedis} in its own sub-directory with AOF, joined by {@code redis-cli --cluster create}. Needs Redis 7's
 * {@code redis-server} and {@code redis-cli} (Debian's package); the embedded 6.2 artifact has no redis-cli.
 * Used by tests and by {@code gorgon up} with a cluster config. {@link #close()} stops and removes every node.
 */
public final class LocalCluster implements AutoCloseable {
    /** Short, so a SIGKILLed primary is replaced within ~2 s; loopback has no network partitions to ride out. */
    static final int NODE_TIMEOUT_MS = 1000;

    private final Path dir;
    private final boolean removeDir;
    private final String password;
    private final List<LocalRedis> nodes = new ArrayList<>();

    private LocalCluster(Path dir, boolean removeDir, String password) {
        this.dir = dir;
        this.removeDir = removeDir;
        this.password = password;
    }

    /** A 3-primary, 3-replica cluster on free ports in a temp dir that {@link #close()} deletes. */
    public static LocalCluster start() {
        try {
            return start(Files.createTempDirectory("gorgon-cluster-"), 3, 1, 0, true);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param firstPort the nodes' ports are firstPort, firstPort+1…; 0 = free ports
     * @param removeDir delete {@code dir} on close (tests); false keeps the data (gorgon up)
     */
    public static LocalCluster start(Path dir, int primaries, int replicas, int firstPort, boolean removeDir) {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < primaries * (1 + replicas); i++) ports.add(firstPort == 0 ? 0 : firstPort + i);
        return start(dir, ports, replicas, removeDir);
    }

    /**
     * Nodes on the given ports (0 = a free one), {@code replicas} per primary. A directory that already holds a
     * formed cluster (node-N/nodes.conf from an earlier run) restarts it with its data instead of creating it.
     */
    public static LocalCluster start(Path dir, List<Integer> ports, int replicas, boolean removeDir) {
        return start(dir, ports, replicas, removeDir, null);
    }

    /** The same, every node requiring {@code password} (null = none), replicas authenticating to their primary. */
    public static LocalCluster start(Path dir, List<Integer> ports, int replicas, boolean removeDir, String password) {
        LocalCluster c = new LocalCluster(dir, removeDir, password);
        try {
            for (int i = 0; i < ports.size(); i++) {
                int port = ports.get(i);
                c.nodes.add(LocalRedis.builder().dir(dir.resolve("node-" + i)).port(port)
                        .appendOnly(true).appendFsync("everysec").password(password)
                        .arg("--cluster-enabled", "yes").arg("--cluster-config-file", "nodes.conf")
                        .arg("--cluster-node-timeout", String.valueOf(NODE_TIMEOUT_MS))
                        // a replica that lost its primary takes over at once, however stale its replication offset
                        .arg("--cluster-replica-validity-factor", "0")
                        .build().start());
            }
            if (!c.formed()) c.create(replicas);
            c.awaitHealthy(Duration.ofSeconds(30));
            return c;
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private boolean formed() {
        try (Jedis j = connect(nodes.get(0).port())) {
            return j.clusterInfo().contains("cluster_slots_assigned:16384");
        }
    }

    private void create(int replicas) {
        List<String> cmd = new ArrayList<>(List.of(cli(), "--cluster", "create"));
        for (LocalRedis r : nodes) cmd.add("127.0.0.1:" + r.port());
        cmd.addAll(List.of("--cluster-replicas", String.valueOf(replicas), "--cluster-yes"));
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("cluster-create.log").toFile());
            if (password != null) pb.environment().put("REDISCLI_AUTH", password); // not -a: that shows in ps
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create hung; see " + dir.resolve("cluster-create.log"));
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed; see " + dir.resolve("cluster-create.log"));
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run redis-cli: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /** Waits until every running node sees all slots served and every replica is linked to its primary. */
    public void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            boolean ok = true;
            for (LocalRedis r : nodes) {
                if (!r.isRunning()) continue;
                try (Jedis j = connect(r.port())) {
                    String info = j.clusterInfo();
                    String repl = j.info("replication");
                    boolean linked = !repl.contains("role:slave") || repl.contains("master_link_status:up");
                    if (!info.contains("cluster_state:ok") || !linked) {
                        ok = false;
                        last = "node " + r.port() + ": " + (linked ? "cluster_state not ok" : "replica not linked");
                    }
                } catch (RuntimeException e) {
                    ok = false;
                    last = "node " + r.port() + ": " + e.getMessage();
                }
            }
            if (ok) return;
            sleep(50);
        }
        throw new IllegalStateException("cluster not healthy within " + timeout.toSeconds() + "s: " + last);
    }

    /** A plain connection to one node, authenticated when the cluster has a password. */
    public Jedis connect(int port) {
        Jedis j = new Jedis("127.0.0.1", port);
        if (password != null) j.auth(password);
        return j;
    }

    /** "127.0.0.1:port" of every node, primaries and replicas: any of them works as a seed. */
    public List<String> seeds() {
        return nodes.stream().map(r -> "127.0.0.1:" + r.port()).toList();
    }

    public List<LocalRedis> nodes() {
        return List.copyOf(nodes);
    }

    /** The running node that is currently primary for {@code key}'s slot. */
    public LocalRedis primaryFor(String key) {
        int slot = redis.clients.jedis.util.JedisClusterCRC16.getSlot(key);
        for (LocalRedis r : nodes) {
            if (!r.isRunning()) continue;
            try (Jedis j = connect(r.port())) {
                if (!j.info("replication").contains("role:master")) continue;
                for (Object o : j.clusterSlots()) {
                    List<?> range = (List<?>) o;
                    long from = (Long) range.get(0), to = (Long) range.get(1);
                    if (slot >= from && slot <= to) {
                        int port = ((Long) ((List<?>) range.get(2)).get(1)).intValue();
                        if (port == r.port()) return r;
                    }
                }
            }
        }
        throw new IllegalStateException("no running primary serves slot " + slot);
    }

    /** Waits until a replica has taken over every slot of a killed primary (cluster_state ok everywhere). */
    public void awaitFailover(Duration timeout) {
        awaitHealthy(timeout);
    }

    @Override
    public void close() {
        for (LocalRedis r : nodes) {
            try {
                r.kill(); // nothing to flush: the data goes with the directory, or AOF everysec keeps it for gorgon up
            } catch (RuntimeException ignored) {
                // best effort
            }
        }
        if (removeDir) deleteTree(dir);
    }

    /** Stops every node with SIGTERM (they flush their AOF), keeping the data for the next start. */
    public void stop() {
        for (LocalRedis r : nodes) r.stop();
    }

    static void deleteTree(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp dir left behind is harmless
        }
    }

    /** redis-cli beside the redis-server in use, else on PATH. */
    static String cli() {
        try {
            Path beside = LocalRedis.binary().resolveSibling("redis-cli");
            if (Files.isExecutable(beside)) return beside.toString();
        } catch (IOException ignored) {
            // fall through to PATH
        }
        return "redis-cli";
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
