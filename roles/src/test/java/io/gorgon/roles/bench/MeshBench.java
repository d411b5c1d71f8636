package io.gorgon.roles.bench;

import java.nio.file.Path;

/**
 * {@code scripts/bench mesh} (issue 5): the whole mesh on this machine — {@code gorgon up} with embedded Redis and
 * MongoDB and one instance of every role, the provider inserting at its rate — seeded and then loaded by the
 * simulator; then the same {@code GET /info/{uid}} served in this JVM straight from the store code, without the bus
 * ({@link DirectInfoServer}), at the same concurrency and duration and the same insert rate, to show what the bus
 * costs. Peak resident memory and CPU of every process are read from /proc during the mesh's load ({@link MeshRun}).
 * Prints the figures against the targets and the capacity table ({@link CapacityModel}), checked against
 * this box ({@link ModelCheck}); writes {@code target/bench/mesh.json}.
 *
 * <p>Options in {@link MeshArgs}; defaults 1,000,000 items, 10,000 users, 64 clients, 60 s of load of which the first
 * 30 s are warm-up. The warm-up is long on purpose: on 2 cores, the C2 compiler threads of the nine JVMs still took
 * 35-54% of each role's CPU between 10 and 30 s into the load (perf). Then 20 s at {@code --latency-clients}
 * (default 4) closed-loop clients, for latency at low concurrency. {@code --cluster}: {@link MeshClusterCompare}.
 */
public final class MeshBench {
    /** The seed scenario's mix: the provider's 1,000 inserts/s beside the 3,000 GET /info/s the bench aims at. */
    static final double INSERTS_PER_INFO = 1000.0 / 3000.0;

    private MeshBench() {}

    public static void main(String[] argv) throws Exception {
        MeshArgs args;
        try {
            args = MeshArgs.parse(argv);
        } catch (RuntimeException e) {
            System.err.println("mesh bench: " + e.getMessage());
            System.err.println(MeshArgs.USAGE);
            System.exit(2);
            return;
        }
        System.exit(args.cluster() ? MeshClusterCompare.run(args) : run(args));
    }

    private static int run(MeshArgs a) throws Exception {
        MeshRun run = new MeshRun(a, false, true);
        if (run.run() != 0) return 1;
        if (a.onlyIngest()) {
            MeshReport.write(run.json(), Path.of("target", "bench", "mesh-ingest.json"));
            return 0;
        }
        run.json().add("capacity", CapacityModel.table(run.inputs(), INSERTS_PER_INFO, null));
        new MeshReport(run.json()).table(a);
        MeshReport.write(run.json(), Path.of("target", "bench", "mesh.json"));
        return 0;
    }
}
