package io.gorgon.simulator;

import java.time.Instant;
import java.util.List;

/**
 * Everything one run produced; {@link ReportWriter} renders it as a table, JSON and an HTML page.
 *
 * @param seed     null if seeding was skipped
 * @param load     null with --seed-only
 * @param check    null if nothing was inserted during the load
 * @param failures why the run failed (empty: it passed); each one readable line
 */
record RunReport(Instant startedAt, SimulatorOptions options, String runTag, Seeder.Result seed, LoadResult load,
                 Checker.Result check, List<String> failures, int exitCode) {}
