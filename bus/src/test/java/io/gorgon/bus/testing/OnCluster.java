package io.gorgon.bus.testing;

/**
 * Marks a subclass of a {@link RedisTestBase} suite that runs the same tests on a local Redis Cluster (3 primaries,
 * 3 replicas) instead of one redis-server: {@code class BusContractClusterTest extends BusContractTest implements
 * OnCluster {}}.
 */
public interface OnCluster {}
