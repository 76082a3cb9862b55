package org.allocbench.report;

import java.io.IOException;

/**
 * One section of the report. A section writes itself only when the run has
 * its data: a run without latency logs has no latency section, rather than an
 * empty one.
 */
interface ReportSection {

    void writeTo(ReportPage page) throws IOException;
}
