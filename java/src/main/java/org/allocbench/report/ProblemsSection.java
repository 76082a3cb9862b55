package org.allocbench.report;

/**
 * What could not be read from the run directory (a listed log that is
 * missing, a file that is not JMH JSON): said at the end rather than failing
 * the whole report, so the rest of the run can still be read. Last, because
 * the sections before it find the problems.
 */
final class ProblemsSection implements ReportSection {

    @Override
    public void writeTo(ReportPage page) {
        if (page.problems().isEmpty()) {
            return;
        }
        page.section("problems", "Problems reading the run");
        StringBuilder out = page.body();
        out.append("<ul>");
        for (String p : page.problems()) {
            out.append("<li>").append(Html.esc(p)).append("</li>");
        }
        out.append("</ul>");
    }
}
