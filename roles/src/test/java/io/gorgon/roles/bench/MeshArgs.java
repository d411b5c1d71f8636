package io.gorgon.roles.bench;

/**
 * The options of {@code scripts/bench mesh}. Defaults: 1,000,000 items, 10,000 users, 64 clients, 60 s of load of
 * which 30 s warm-up, provider 1,000/s. With {@code --cluster} (the scenario twice, single Redis then a local 3+3
 * cluster) the defaults are smaller so that both runs finish within 10 minutes: 100,000 items, 2,000 users, 30 s of
 * load of which 15 s warm-up.
 *
 * @param replicaAcks the cluster run's {@code redis.replicaAcks} (1 as in config/cluster.json: every send waits for a
 *                    replica)
 */
record MeshArgs(long items, int users, int clients, int seconds, int warmup, int rate, boolean onlyMesh, boolean onlyIngest,
                boolean keep, int latencyClients, boolean cluster, int replicaAcks) {
    static final String USAGE = "usage: scripts/bench mesh [--cluster [--replica-acks N]] [--items N] [--users N] [--clients N] [--seconds N]"
            + " [--warmup N] [--rate N] [--latency-clients N] [--only-mesh] [--only-ingest] [--keep]";

    static MeshArgs parse(String[] a) {
        boolean cluster = java.util.Arrays.asList(a).contains("--cluster");
        long items = cluster ? 100_000 : 1_000_000;
        int users = cluster ? 2_000 : 10_000, clients = 64, seconds = cluster ? 30 : 60, warmup = cluster ? 15 : 30, rate = 1000;
        boolean onlyMesh = false, onlyIngest = false, keep = false;
        int latencyClients = 4, replicaAcks = 1;
        for (int i = 0; i < a.length; i++) {
            String v = i + 1 < a.length ? a[i + 1] : null;
            switch (a[i]) {
                case "--items" -> items = Long.parseLong(a[++i]);
                case "--users" -> users = Integer.parseInt(a[++i]);
                case "--clients" -> clients = Integer.parseInt(a[++i]);
                case "--seconds" -> seconds = Integer.parseInt(a[++i]);
                case "--warmup" -> warmup = Integer.parseInt(a[++i]);
                case "--rate" -> rate = Integer.parseInt(a[++i]);
                case "--only-mesh" -> onlyMesh = true;
                case "--only-ingest" -> onlyIngest = true; // the seeding and the store's ceiling: A/B runs of ingest changes
                case "--keep" -> keep = true;
                case "--latency-clients" -> latencyClients = Integer.parseInt(a[++i]);
                case "--cluster" -> { } // read above: it changes the defaults
                case "--replica-acks" -> replicaAcks = Integer.parseInt(a[++i]);
                default -> throw new IllegalArgumentException("unknown option " + a[i] + (v == null ? "" : " " + v));
            }
        }
        if (items < 0 || users < 1 || clients < 1 || seconds <= warmup || warmup < 0 || rate < 0 || replicaAcks < 0) {
            throw new IllegalArgumentException("need items >= 0, users >= 1, clients >= 1, seconds > warmup >= 0, rate >= 0, replica-acks >= 0");
        }
        return new MeshArgs(items, users, clients, seconds, warmup, rate, onlyMesh, onlyIngest, keep, latencyClients, cluster, replicaAcks);
    }
}
