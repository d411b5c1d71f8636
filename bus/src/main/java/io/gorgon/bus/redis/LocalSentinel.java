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
 * A Sentinel-watched primary on loopback: one primary, one replica and three sentinels (quorum 2), all real
 * processes on free ports in a temp dir that {@link #close()} deletes. Needs Redis 7's {@code redis-server}.
 */
public final class LocalSentinel implements AutoCloseable {
    public static final String MASTER_NAME = "gorgon";

    private final Path dir;
    private final LocalRedis primary;
    private final LocalRedis replica;
    private final List<Process> sentinels = new ArrayList<>();
    private final List<Integer> sentinelPorts = new ArrayList<>();

    private LocalSentinel(Path dir) {
        this.dir = dir;
        this.primary = LocalRedis.builder().dir(dir.resolve("primary")).appendOnly(true).build();
        this.replica = LocalRedis.builder().dir(dir.resolve("replica")).appendOnly(true).build();
    }

    public static LocalSentinel start() {
        LocalSentinel s;
        try {
            s = new LocalSentinel(Files.createTempDirectory("gorgon-sentinel-"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            s.primary.start();
            s.replica.start();
            try (Jedis j = new Jedis("127.0.0.1", s.replica.port())) {
                j.replicaof("127.0.0.1", s.primary.port());
            }
            for (int i = 0; i < 3; i++) s.startSentinel(i);
            s.awaitReady(Duration.ofSeconds(30));
            return s;
        } catch (RuntimeException e) {
            s.close();
            throw e;
        }
    }

    private void startSentinel(int i) {
        int port = LocalRedis.freePort();
        Path d = dir.resolve("sentinel-" + i);
        try {
            Files.createDirectories(d);
            Path conf = d.resolve("sentinel.conf");
            Files.writeString(conf, String.join("\n",
                    "port " + port, "bind 127.0.0.1", "protected-mode no", "daemonize no",
                    "dir " + d.toAbsolutePath(), "logfile sentinel.log",
                    "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + primary.port() + " 2",
                    "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
                    "sentinel failover-timeout " + MASTER_NAME + " 5000",
                    "sentinel parallel-syncs " + MASTER_NAME + " 1", ""));
            Process p = new ProcessBuilder(LocalRedis.binary().toString(), conf.toString(), "--sentinel")
                    .redirectErrorStream(true).redirectOutput(d.resolve("stdout").toFile()).start();
            sentinels.add(p);
            sentinelPorts.add(port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start redis-sentinel: " + e.getMessage(), e);
        }
    }

    /** Waits until every sentinel knows the primary, its replica and the other sentinels, and the replica is linked. */
    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                boolean ok = true;
                for (int port : sentinelPorts) {
                    try (Jedis j = new Jedis("127.0.0.1", port)) {
                        String info = j.info("sentinel");
                        if (!info.contains("status=ok") || !info.contains("slaves=1") || !info.contains("sentinels=3")) {
                            ok = false;
                            last = "sentinel " + port + ": " + info.replace("\r\n", " ");
                        }
                    }
                }
                try (Jedis j = new Jedis("127.0.0.1", replica.port())) {
                    if (!j.info("replication").contains("master_link_status:up")) {
                        ok = false;
                        last = "replica not linked";
                    }
                }
                if (ok) return;
            } catch (RuntimeException e) {
                last = e.getMessage();
            }
            LocalCluster.sleep(100);
        }
        throw new IllegalStateException("sentinels not ready within " + timeout.toSeconds() + "s: " + last);
    }

    /** "127.0.0.1:port" of each sentinel. */
    public List<String> sentinels() {
        return sentinelPorts.stream().map(p -> "127.0.0.1:" + p).toList();
    }

    public LocalRedis primary() {
        return primary;
    }

    public LocalRedis replica() {
        return replica;
    }

    /** The primary's port as the sentinels currently report it. */
    public int currentPrimaryPort() {
        try (Jedis j = new Jedis("127.0.0.1", sentinelPorts.get(0))) {
            return Integer.parseInt(j.sentinelGetMasterAddrByName(MASTER_NAME).get(1));
        }
    }

    /** SIGKILLs whichever server is the primary now (a drill's crash); returns it, to be restarted as a replica. */
    public LocalRedis killCurrentPrimary() {
        LocalRedis p = currentPrimaryPort() == primary.port() ? primary : replica;
        p.kill();
        return p;
    }

    /** Waits until the sentinels name another primary than {@code killed}. */
    public void awaitPromotedOver(LocalRedis killed, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (currentPrimaryPort() != killed.port()) return;
            } catch (RuntimeException sentinelBusy) {
                // asked mid-failover: ask again
            }
            LocalCluster.sleep(100);
        }
        throw new IllegalStateException("the sentinels did not promote the replica within " + timeout.toSeconds() + "s");
    }

    @Override
    public void close() {
        for (Process p : sentinels) {
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        primary.kill();
        replica.kill();
        LocalCluster.deleteTree(dir);
    }
}
