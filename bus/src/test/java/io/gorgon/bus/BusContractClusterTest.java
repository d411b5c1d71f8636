package io.gorgon.bus;

import io.gorgon.bus.testing.OnCluster;

/** {@link BusContractTest}, every test, on a local Redis Cluster of 3 primaries and 3 replicas. */
class BusContractClusterTest extends BusContractTest implements OnCluster {}
