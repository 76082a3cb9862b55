package org.allocbench.pg;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One throwaway PostgreSQL 15 cluster for a test class: started before its
 * tests, closed after them, and the class skipped (saying what is missing)
 * where PostgreSQL 15 is not installed. Register it with
 * {@code @RegisterExtension static final ThrowawayCluster CLUSTER = new ThrowawayCluster();}.
 */
final class ThrowawayCluster implements BeforeAllCallback, AfterAllCallback {

    private PgCluster cluster;

    @Override
    public void beforeAll(ExtensionContext context) {
        String missing = PgInstallation.unavailableReason();
        Assumptions.assumeTrue(missing == null, () -> "skipped: " + missing);
        cluster = PgCluster.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    /** The running cluster. */
    PgCluster get() {
        return cluster;
    }
}
