package org.allocbench.report;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line charts of a figure against a count (threads, processes), one line per
 * lane, drawn with XChart in the report's style ({@link ChartStyle}). The
 * counts go 1, 2, 4, 8 or 1, 4, 16, 64, so x is logarithmic: plotted as
 * log2(count) on a linear axis labelled with the counts themselves (XChart's
 * logarithmic axis labels decades only, and takes no label formatter).
 */
final class LineCharts {

    private LineCharts() {
    }

    /** One line: its name and a y per x (NaN: no point there). */
    record Line(String name, double[] x, double[] y) {
    }

    /**
     * The lines over logarithmic x; y logarithmic if {@code logY} (points at or below 0 cannot be drawn there
     * and are left out; say so in the caption), else linear from 0. {@code reference}: a horizontal line at that
     * y (efficiency's 1.0), NaN for none. Null when no line has a point.
     */
    static BufferedImage draw(String title, String xTitle, String yTitle, List<Line> lines, boolean logY,
            double reference) {
        XYChart chart = new XYChartBuilder().width(ChartStyle.WIDTH).height(ChartStyle.HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle + (logY ? " (log scale)" : "")).build();
        ChartStyle.apply(chart.getStyler());
        chart.setCustomXAxisTickLabelsFormatter(LineCharts::countLabel);
        chart.getStyler().setYAxisLogarithmic(logY);
        chart.getStyler().setYAxisDecimalPattern("#,##0.##");
        chart.getStyler().setMarkerSize(8);
        List<Color> colors = new ArrayList<>();
        double minX = Double.POSITIVE_INFINITY;
        double maxX = 0;
        double maxY = 0;
        int k = 0;
        for (Line line : lines) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < line.x().length; i++) {
                double y = line.y()[i];
                if (Double.isNaN(y) || (logY && y <= 0)) {
                    continue;
                }
                double x = Math.log(line.x()[i]) / Math.log(2);
                xs.add(x);
                ys.add(y);
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                maxY = Math.max(maxY, y);
            }
            if (xs.isEmpty()) {
                continue;
            }
            XYSeries s = chart.addSeries(line.name(), xs, ys);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineWidth(2.2f);
            colors.add(ChartStyle.PALETTE[k++ % ChartStyle.PALETTE.length]);
        }
        if (colors.isEmpty()) {
            return null;
        }
        if (!Double.isNaN(reference)) {
            XYSeries r = chart.addSeries("perfect scaling", new double[] {minX, maxX},
                    new double[] {reference, reference});
            r.setMarker(SeriesMarkers.NONE);
            r.setLineWidth(1.2f);
            colors.add(ChartStyle.FLOOR);
            maxY = Math.max(maxY, reference);
        }
        chart.getStyler().setSeriesColors(colors.toArray(Color[]::new));
        // a legend of eight names below the plot runs off its right edge: beside it, one name a line
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Vertical);
        chart.getStyler().setXAxisMin(minX);
        chart.getStyler().setXAxisMax(maxX);
        if (!logY) {
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setYAxisMax(maxY * 1.08);
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    /** The count at x = log2(count): "1", "2", "64" at whole x, one decimal between (every label differs). */
    static String countLabel(double x) {
        double count = Math.pow(2, x);
        return Math.abs(x - Math.rint(x)) < 1e-9 ? String.format(java.util.Locale.ROOT, "%,.0f", count)
                : String.format(java.util.Locale.ROOT, "%.1f", count);
    }
}
