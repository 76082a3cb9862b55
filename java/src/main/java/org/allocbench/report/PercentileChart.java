package org.allocbench.report;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Latency percentile curves, laid out as HdrHistogram plots them, so the
 * rare slow ops (the tail) get as much of the chart as the common ones.
 */
final class PercentileChart {

    private PercentileChart() {
    }

    /** One percentile curve: x = percentile (0..100, exclusive of 100), y = value. */
    record Curve(String name, double[] percentiles, double[] values) {
    }

    /**
     * Percentile curves as HdrHistogram plots them: the x axis is
     * 1/(1 - p), logarithmic, labelled with the percentile (0%, 90%, 99%,
     * 99.9%, ...), so the tail gets as much room as the body; y logarithmic.
     */
    static BufferedImage draw(String title, String yTitle, List<Curve> curves) {
        XYChart chart = new XYChartBuilder().width(ChartStyle.WIDTH).height(ChartStyle.HEIGHT + 60).title(title)
                .xAxisTitle("percentile (log scale of 1/(1 - p): each step right is ten times rarer)")
                .yAxisTitle(yTitle + " (log scale)").build();
        ChartStyle.apply(chart.getStyler());
        // x is plotted as log10(1/(1 - p)) on a linear axis: XChart's logarithmic axis takes no label
        // formatter (one makes it a linear axis with millions of ticks), and integer x are the
        // percentile decades 0%, 90%, 99%, 99.9%, ... labelled by percentileLabel
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setYAxisLogarithmicDecadeOnly(true);
        chart.getStyler().setYAxisDecimalPattern("#,##0.###");
        chart.getStyler().setMarkerSize(0);
        chart.getStyler().setXAxisTickMarkSpacingHint(120);
        chart.setCustomXAxisTickLabelsFormatter(x -> percentileLabel(Math.pow(10, x)));
        double maxX = 1;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = 0;
        List<Color> colors = new ArrayList<>();
        int k = 0;
        for (Curve c : curves) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int i = 0; i < c.percentiles().length; i++) {
                double p = c.percentiles()[i];
                double v = c.values()[i];
                if (p >= 100 || v <= 0) {
                    continue;
                }
                double x = Math.log10(100.0 / (100.0 - p));
                xs.add(x);
                ys.add(v);
                maxX = Math.max(maxX, x);
                minY = Math.min(minY, v);
                maxY = Math.max(maxY, v);
            }
            if (xs.isEmpty()) {
                continue;
            }
            XYSeries s = chart.addSeries(c.name(), xs, ys);
            s.setMarker(SeriesMarkers.NONE);
            s.setLineWidth(2.2f);
            colors.add(ChartStyle.PALETTE[k++ % ChartStyle.PALETTE.length]);
        }
        if (colors.isEmpty()) {
            return null;
        }
        chart.getStyler().setSeriesColors(colors.toArray(Color[]::new));
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setXAxisMax(Math.ceil(maxX));
        chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(minY))));
        chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(maxY * 1.01))));
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
        return BitmapEncoder.getBufferedImage(chart);
    }

    /**
     * The percentile at x = 1/(1 - p): "0%", "90%", "99%", "99.9%", ... at
     * x = 1, 10, 100, 1000; between the decades one more decimal ("68.4%",
     * "99.68%"), so every tick's label differs (XChart insists).
     */
    static String percentileLabel(double x) {
        if (!(x >= 1)) {
            return "";
        }
        double decade = Math.log10(x);
        double p = 100.0 * (1 - 1 / x);
        boolean whole = Math.abs(decade - Math.rint(decade)) < 1e-9;
        if (whole && decade < 0.5) {
            return "0%";
        }
        int decimals = Math.max(0, (int) Math.ceil(decade - 1e-9) - 2) + (whole ? 0 : 1);
        return String.format(Locale.ROOT, "%." + decimals + "f%%", p);
    }
}
