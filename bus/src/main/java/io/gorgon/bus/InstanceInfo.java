package io.gorgon.bus;

import java.util.List;
import java.util.Map;

/**
 * A registry entry: the "tracker" of live peers.
 *
 * @param status live (heartbeat fresh), late (missed heartbeats, not yet taken over) or gone
 */
public record InstanceInfo(String id, String role, String host, long pid, Map<String, Integer> ports, long startedAt,
                           long lastHeartbeat, String status, List<String> queues, long processed, double messagesPerSec) {}
