package io.gorgon.bus.impl;

import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * Redis errors that mean "not here, not now" rather than "this command is wrong": a cluster slot moved (MOVED, ASK),
 * a failover is under way (CLUSTERDOWN, TRYAGAIN, READONLY on a demoted primary, UNBLOCKED for a blocked read on
 * it, LOADING on a restarted node, WAIT refused by a primary demoted to replica), or a promoted node has not loaded
 * our scripts yet (NOSCRIPT). The command did not run: refresh the topology, reconnect, send it again.
 */
final class Retryable {
    private static final String[] PREFIXES = {"MOVED", "ASK", "TRYAGAIN", "CLUSTERDOWN", "READONLY", "UNBLOCKED",
            "LOADING", "NOSCRIPT", "MASTERDOWN"};

    private Retryable() {}

    static boolean is(JedisDataException e) {
        if (e instanceof JedisRedirectionException) return true;
        String m = e.getMessage();
        if (m == null) return false;
        for (String p : PREFIXES) if (m.startsWith(p)) return true;
        return m.contains("WAIT cannot be used with replica"); // "ERR WAIT ...": the primary we pipelined to was demoted
    }
}
