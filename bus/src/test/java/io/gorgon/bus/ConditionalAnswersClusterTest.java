package io.gorgon.bus;

import io.gorgon.bus.testing.OnCluster;

/** {@link ConditionalAnswersTest} on a local Redis Cluster: the keys are in other slots, so the fallbacks answer. */
class ConditionalAnswersClusterTest extends ConditionalAnswersTest implements OnCluster {}
