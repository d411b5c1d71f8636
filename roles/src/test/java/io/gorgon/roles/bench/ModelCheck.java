package io.gorgon.roles.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import io.gorgon.simulator.SimulatorOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import redis.clients.jedis.UnifiedJedis;

/**
 * The capacity model checked against this box (issue 13), with the JIT warm: two calibration load runs bracket a
 * check run at the same concurrency. The calibrations give the CPU per GET /info of everything this bench runs
 * (roles, Redis, MongoDB, the supervisor and the load generator, which share the cores); the model predicts the check
 * run's throughput as the smaller of what the cores other processes left free can serve and what one Redis core can
 * serve, and must land within 25% of the throughput measured.
 *
 * <p>Each run's CPU is sampled over the simulator's measured window only (after a 5 s warm-up that holds the load
 * user's login, a PBKDF2 hash, and the connection set-up), and the two calibrations bracket the check so that the
 * JIT's still-falling cost per request (C2 keeps compiling for minutes on 2 cores) cancels out instead of making the
 * prediction low: the first version calibrated before the check only and predicted 15-41% low in every run.
 */
final class ModelCheck {
    private static final Duration WARMUP = Duration.ofSeconds(5);

    /** One load run: GET /info per second in the measured window, and the CPU of every process in that window. */
    private record Sample(double infoPerS, double seconds, Map<String, Double> cpuSeconds, double machineBusySeconds,
                          double stealSeconds) {
        double ourCpuSeconds() {
            return cpuSeconds.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        double infos() {
            return Math.max(1, infoPerS * seconds);
        }

        /** Cores used by processes that are not this bench's (other work on the box, the hypervisor's steal). */
        double otherCores() {
            return Math.max(0, (machineBusySeconds - ourCpuSeconds()) / seconds);
        }
    }

    private final MeshArgs a;
    private final SimulatorOptions base;
    private final UnifiedJedis redis;
    private final long supervisorPid;
    private final Path dir;

    ModelCheck(MeshArgs a, SimulatorOptions base, UnifiedJedis redis, long supervisorPid, Path dir) {
        this.a = a;
        this.base = base;
        this.redis = redis;
        this.supervisorPid = supervisorPid;
        this.dir = dir;
    }

    /**
     * Runs calibration, check, calibration; adds {@code model_check} and {@code cpu_us_per_info_warm[_reads_only]} to
     * {@code json}; returns the calibrations' CPU µs per info of each process, the provider's inserts taken out.
     */
    Map<String, Double> run(JsonObject json, Map<String, Double> perInsert) throws Exception {
        Duration length = Duration.ofSeconds(Math.max(10, (a.seconds() - a.warmup()) / 2));
        Sample first = sample(length, "calibrate-1");
        Sample check = sample(length, "check");
        Sample second = sample(length, "calibrate-2");

        double infos = first.infos() + second.infos();
        Map<String, Double> warm = new TreeMap<>(), readsOnly = new TreeMap<>();
        for (Sample s : new Sample[] {first, second}) s.cpuSeconds().forEach((k, v) -> warm.merge(k, v * 1e6 / infos, Double::sum));
        double inserts = a.rate() * (first.seconds() + second.seconds()); // the provider's, beside the reads
        warm.forEach((k, v) -> readsOnly.put(k, (double) Math.max(0, Math.round(v - perInsert.getOrDefault(k, 0.0) * inserts / infos))));
        Map<String, Double> rounded = new TreeMap<>();
        warm.forEach((k, v) -> rounded.put(k, (double) Math.round(v)));
        json.add("cpu_us_per_info_warm", new GsonBuilder().create().toJsonTree(rounded));
        json.add("cpu_us_per_info_warm_reads_only", new GsonBuilder().create().toJsonTree(readsOnly));

        double usPerInfo = warm.values().stream().mapToDouble(Double::doubleValue).sum();
        // Redis runs commands on one thread: a node can never serve more than one core's worth, whatever is free.
        String busiestRedis = warm.entrySet().stream().filter(e -> e.getKey().startsWith("redis"))
                .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse("redis");
        double redisUs = warm.getOrDefault(busiestRedis, 0.0);
        json.add("model_check", verdict(a, check, usPerInfo, first.ourCpuSeconds() * 1e6 / first.infos(),
                second.ourCpuSeconds() * 1e6 / second.infos(), busiestRedis, redisUs));
        return readsOnly;
    }

    private static JsonObject verdict(MeshArgs a, Sample check, double usPerInfo, double usFirst, double usSecond, String busiestRedis, double redisUs) {
        int cores = Runtime.getRuntime().availableProcessors();
        double others = check.otherCores();
        double available = Math.max(0.1, cores - others);
        double cpuBound = available * 1e6 / usPerInfo;
        double redisBound = redisUs > 0 ? 1e6 / redisUs : Double.POSITIVE_INFINITY;
        double predicted = Math.min(cpuBound, redisBound);
        double firstOnly = Math.min(available * 1e6 / usFirst, redisBound);
        double measured = check.infoPerS();
        double error = (predicted - measured) / measured;
        double used = check.ourCpuSeconds() / check.seconds();
        JsonObject o = new JsonObject();
        o.addProperty("clients", a.clients());
        o.addProperty("window_seconds", Math.round(check.seconds() * 10) / 10.0);
        o.addProperty("other_processes_cores", round2(others));
        o.addProperty("steal_cores", round2(check.stealSeconds() / check.seconds()));
        o.addProperty("available_cores", round2(available));
        o.addProperty("bench_cores_used_in_check", round2(used));
        o.addProperty("cpu_us_per_info_incl_clients", Math.round(usPerInfo));
        o.addProperty("cpu_us_per_info_first_calibration", Math.round(usFirst));
        o.addProperty("cpu_us_per_info_second_calibration", Math.round(usSecond));
        o.addProperty("cpu_us_per_info_check", Math.round(check.ourCpuSeconds() * 1e6 / check.infos()));
        o.addProperty("cpu_bound_info_per_s", Math.round(cpuBound));
        o.addProperty("busiest_redis", busiestRedis);
        o.addProperty("redis_core_bound_info_per_s", Math.round(redisBound));
        o.addProperty("predicted_info_per_s", Math.round(predicted));
        o.addProperty("predicted_from_first_calibration_only", Math.round(firstOnly));
        o.addProperty("measured_info_per_s", Math.round(measured));
        o.addProperty("error_pct", Math.round(1000 * error) / 10.0);
        o.addProperty("within_25pct", Math.abs(error) <= 0.25);
        System.out.printf(Locale.ROOT, "mesh bench: model check: CPU per info %.0f µs (calibrations %.0f before, %.0f after the check; check's own %.0f);"
                        + " %.2f of %d cores free of other processes (steal %.2f) → %.0f/s; one Redis core (%s, %.0f µs per info) → %.0f/s;"
                        + " predicted %.0f/s, measured %.0f/s: %+.1f%% %s (first calibration alone: %.0f/s, %+.1f%%); the bench used %.2f cores%n",
                usPerInfo, usFirst, usSecond, check.ourCpuSeconds() * 1e6 / check.infos(), available, cores, check.stealSeconds() / check.seconds(),
                cpuBound, busiestRedis, redisUs, redisBound, predicted, measured, 100 * error, Math.abs(error) <= 0.25 ? "ok" : "MISSED (> 25%)",
                firstOnly, 100 * (firstOnly - measured) / measured, used);
        return o;
    }

    /** A load run at the full client count; every process's CPU sampled over the simulator's measured window. */
    private Sample sample(Duration length, String name) throws Exception {
        ProcSampler procs = new ProcSampler(redis, MeshRun.NS).also("supervisor", supervisorPid);
        long[] self0 = {-1};
        JsonObject run = BenchSupport.simulate(base.withScale(a.users(), 0).withPhases(false, true)
                .withLoad(a.clients(), 0, length.plus(WARMUP)).withWarmup(WARMUP), dir.resolve(name + ".json"), () -> {
                    self0[0] = ProcSampler.cpuTicks(ProcessHandle.current().pid());
                    procs.begin();
                });
        if (self0[0] < 0) throw new IllegalStateException("the simulator's " + name + " run never reached its measured window");
        procs.end();
        Map<String, Double> cpu = procs.cpuSeconds();
        cpu.put("bench-jvm (simulator)", (ProcSampler.cpuTicks(ProcessHandle.current().pid()) - self0[0]) / 100.0);
        return new Sample(run.get("info_per_s").getAsDouble(), procs.seconds(), cpu, procs.machineBusySeconds(), procs.stealSeconds());
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
