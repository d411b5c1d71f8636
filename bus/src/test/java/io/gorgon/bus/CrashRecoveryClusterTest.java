package io.gorgon.bus;

import io.gorgon.bus.testing.OnCluster;

/** {@link CrashRecoveryTest}, every test, on a local Redis Cluster of 3 primaries and 3 replicas. */
class CrashRecoveryClusterTest extends CrashRecoveryTest implements OnCluster {}
