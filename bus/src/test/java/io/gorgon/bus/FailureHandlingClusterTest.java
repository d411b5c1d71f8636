package io.gorgon.bus;

import io.gorgon.bus.testing.OnCluster;

/** {@link FailureHandlingTest}, every test, on a local Redis Cluster of 3 primaries and 3 replicas. */
class FailureHandlingClusterTest extends FailureHandlingTest implements OnCluster {}
