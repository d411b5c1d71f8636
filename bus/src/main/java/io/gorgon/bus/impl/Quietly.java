package io.gorgon.bus.impl;

import redis.clients.jedis.Jedis;

/** The two things every loop here does on its failure paths, without letting them throw. */
final class Quietly {
    private Quietly() {}

    /** Closes a connection that may already be broken. */
    static void close(Jedis j) {
        if (j == null) return;
        try {
            j.close();
        } catch (RuntimeException ignored) {
            // already broken
        }
    }

    /** Sleeps for a backoff; an interrupt ends the sleep and stays set for the caller's loop to see. */
    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
