package org.allocbench.report;

/**
 * The host as recorded at the start of the run (CPU, kernel, huge-page
 * settings, library versions, ...): what decides the numbers, so two runs are
 * compared only when this matches.
 */
final class EnvironmentSection implements ReportSection {

    @Override
    public void writeTo(ReportPage page) {
        if (page.results().environment().isEmpty()) {
            return;
        }
        page.section("environment", "Environment");
        page.body().append("<p>What decides the numbers, as recorded at the start of the run.</p>");
        Html.keyValueTable(page.body(), page.results().environment());
    }
}
