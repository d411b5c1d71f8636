package io.gorgon.roles.cli;

import io.gorgon.roles.config.GorgonConfig;

/** One line at start saying how fast the configured provider grows the store, so a full disk is never a surprise. */
final class DataGrowth {
    /** Measured: the embedded store held 87,335 notes in 114 MB (H2 file, garbage of per-write commits included). */
    static final double BYTES_PER_NOTE = 1300;

    private DataGrowth() {}

    static String describe(GorgonConfig cfg, double demoInsertsPerS) {
        GorgonConfig.Provider p = cfg.provider();
        boolean providing = cfg.instances("provider") > 0 && p.ratePerSecond() > 0;
        double perS = (providing ? p.ratePerSecond() : 0) + demoInsertsPerS;
        String where = cfg.mongo().embedded() ? " in " + cfg.mongo().dir() : " in MongoDB";
        String limit = providing && p.limit() > 0 ? " until its limit of " + p.limit() + " notes" : "";
        return String.format("data: the provider adds %.0f notes/s%s and the load %.0f/s: about %,.0f notes and %.0f MB an hour%s"
                        + " (provider.ratePerSecond sets the provider's rate; delete %s to start empty)",
                providing ? p.ratePerSecond() : 0, limit, demoInsertsPerS, perS * 3600, perS * 3600 * BYTES_PER_NOTE / 1e6,
                where, cfg.mongo().embedded() ? cfg.mongo().dir() + " and " + cfg.redis().dir() : "the database");
    }
}
