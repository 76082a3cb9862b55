/**
 * The run report: {@link org.allocbench.report.RunReport#write} reads a run
 * directory's results.json, renders charts with XChart into
 * {@code charts/*.png} (headless) and writes {@code report.html}, one
 * self-contained file: the charts are embedded as {@code data:} URIs and the
 * page needs no network, stylesheet, script or font from elsewhere.
 */
package org.allocbench.report;
