/**
 * The run report: {@link org.allocbench.report.RunReport#write} reads a run
 * directory's results.json, renders charts with XChart into
 * {@code charts/*.png} (headless) and writes {@code report.html}, one
 * self-contained file: the charts are embedded as {@code data:} URIs and the
 * page needs no network, stylesheet, script or font from elsewhere.
 *
 * <p>RunReport assembles the page from one {@code ReportSection}
 * per section (RunSection, SummarySection, EnvironmentSection, TimeSection,
 * LatencySection, MemorySection, HugePagesSection, LimitSection,
 * NotRunSection, ProblemsSection), each writing into a
 * {@code ReportPage}. They share Html (escaping, ids,
 * key-value tables, the stylesheet from report.css), DataTable (the results
 * tables), Numbers and CellText (how values and cells are printed), LaneKind
 * (what a timed cell measures) and the charts: BarCharts, PercentileChart,
 * ChartStyle.
 */
package org.allocbench.report;
