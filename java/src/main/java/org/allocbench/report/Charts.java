package org.allocbench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's charts, drawn with XChart into images. Bar charts carry their
 * intervals as whiskers drawn over XChart's bars (XChart's own error bars are
 * symmetric, and wrong on a logarithmic axis): the exact low..high of each
 * bar, with the median written above it.
 */
final class Charts {

    static final int WIDTH = 1100;
    static final int HEIGHT = 540;

    static final Color PER_OP = new Color(0x4C72B0);
    static final Color REFERENCE = new Color(0x1B2F57);
    static final Color SEGMENT = new Color(0x55A868);
    static final Color WHOLE_TRACE = new Color(0xDD8452);
    static final Color FLOOR = new Color(0x9A9A9A);
    static final Color USED = new Color(0x4C72B0);
    static final Color FREE = new Color(0xA6C4E8);
    static final Color TOTAL_ONLY = new Color(0xB0B0B0);

    /** Distinct line colours for the percentile curves (tab10 and two more). */
    private static final Color[] PALETTE = {new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C),
            new Color(0xD62728), new Color(0x9467BD), new Color(0x8C564B), new Color(0xE377C2), new Color(0x7F7F7F),
            new Color(0xBCBD22), new Color(0x17BECF), new Color(0x000000), new Color(0xAEC7E8)};

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 19);
    private static final Font AXIS_TITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 16);
    private static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font LEGEND = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font VALUE = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    private Charts() {
    }

    /** A bar: its category label, the group (series) it is drawn in, the value and its interval (NaN: none). */
    record Bar(String label, String group, double value, double low, double high) {
    }

    /** A series of bars: name in the legend and colour. */
    record Group(String name, Color color) {
    }

    /**
     * Bars, one per category, coloured by group, each with its low..high
     * whisker and its value written above. Logarithmic y axis when the values
     * span more than {@code logAbove} times (0: never).
     */
    static BufferedImage bars(String title, String xTitle, String yTitle, List<Bar> bars, List<Group> groups,
            double logAbove, String valueSuffix) {
        List<String> categories = uniqueLabels(bars);
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (Bar b : bars) {
            for (double v : new double[] {b.value(), b.low(), b.high()}) {
                if (Double.isFinite(v) && v > 0) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        boolean log = logAbove > 0 && min > 0 && max / min > logAbove;
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle + (log ? " (log scale)" : "")).build();
        style(chart.getStyler());
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setAvailableSpaceFill(0.7);
        chart.getStyler().setXAxisLabelRotation(rotation(categories));
        chart.getStyler().setYAxisLogarithmic(log);
        if (log) {
            chart.getStyler().setYAxisLogarithmicDecadeOnly(true);
            chart.getStyler().setYAxisDecimalPattern("#,##0.###");
            chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(min))));
            chart.getStyler().setYAxisMax(max * 1.6);
        } else {
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setYAxisMax(niceCeiling(max * 1.15));
        }
        List<Color> colors = new ArrayList<>();
        for (Group g : groups) {
            List<Double> ys = new ArrayList<>();
            boolean any = false;
            for (Bar b : bars) {
                boolean mine = b.group().equals(g.name()) && Double.isFinite(b.value());
                ys.add(mine ? b.value() : Double.NaN);
                any |= mine;
            }
            if (any) {
                chart.addSeries(g.name(), categories, ys);
                colors.add(g.color());
            }
        }
        if (colors.isEmpty()) {
            return null;
        }
        chart.getStyler().setSeriesColors(colors.toArray(Color[]::new));
        BufferedImage image = BitmapEncoder.getBufferedImage(chart);
        Graphics2D g = image.createGraphics();
        try {
            antialias(g);
            for (int i = 0; i < bars.size(); i++) {
                Bar b = bars.get(i);
                if (!Double.isFinite(b.value())) {
                    continue;
                }
                double cx = categoryCenter(chart, i);
                double top = b.value();
                if (Double.isFinite(b.low()) && Double.isFinite(b.high()) && b.high() >= b.low()) {
                    whisker(g, chart, cx, b.low(), b.high());
                    top = Math.max(top, b.high());
                }
                label(g, chart, cx, top, format(b.value()) + valueSuffix);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * Stacked bars (linear axis from 0): per category the values of each
     * series on top of each other, the sum written above.
     */
    static BufferedImage stacked(String title, String xTitle, String yTitle, List<String> categories,
            Map<String, List<Double>> series, List<Color> colors, String sumSuffix) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setStacked(true);
        chart.getStyler().setAvailableSpaceFill(0.7);
        chart.getStyler().setXAxisLabelRotation(rotation(categories));
        double[] sums = new double[categories.size()];
        List<Color> used = new ArrayList<>();
        int k = 0;
        for (Map.Entry<String, List<Double>> e : series.entrySet()) {
            boolean any = false;
            for (int i = 0; i < categories.size(); i++) {
                double v = e.getValue().get(i);
                sums[i] += v;
                any |= v > 0;
            }
            if (any) {
                chart.addSeries(e.getKey(), categories, e.getValue());
                used.add(colors.get(k));
            }
            k++;
        }
        if (used.isEmpty()) {
            return null;
        }
        double max = 0;
        for (double s : sums) {
            max = Math.max(max, s);
        }
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(niceCeiling(max * 1.15));
        chart.getStyler().setSeriesColors(used.toArray(Color[]::new));
        BufferedImage image = BitmapEncoder.getBufferedImage(chart);
        Graphics2D g = image.createGraphics();
        try {
            antialias(g);
            for (int i = 0; i < categories.size(); i++) {
                if (sums[i] > 0) {
                    label(g, chart, categoryCenter(chart, i), sums[i], format(sums[i]) + sumSuffix);
                }
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /** One percentile curve: x = percentile (0..100, exclusive of 100), y = value. */
    record Curve(String name, double[] percentiles, double[] values) {
    }

    /**
     * Percentile curves as HdrHistogram plots them: the x axis is
     * 1/(1 - p), logarithmic, labelled with the percentile (0%, 90%, 99%,
     * 99.9%, ...), so the tail gets as much room as the body; y logarithmic.
     */
    static BufferedImage percentiles(String title, String yTitle, List<Curve> curves) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT + 60).title(title)
                .xAxisTitle("percentile (log scale of 1/(1 - p): each step right is ten times rarer)")
                .yAxisTitle(yTitle + " (log scale)").build();
        style(chart.getStyler());
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
            colors.add(PALETTE[k++ % PALETTE.length]);
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

    /** A value with three significant figures at most, as tables and bar labels show it. */
    static String format(double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static void style(AxesChartStyler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderColor(new Color(0x888888));
        s.setPlotGridLinesColor(new Color(0xDDDDDD));
        s.setChartTitleFont(TITLE);
        s.setChartTitleBoxVisible(false);
        s.setAxisTitleFont(AXIS_TITLE);
        s.setAxisTickLabelsFont(TICKS);
        s.setLegendFont(LEGEND);
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setLegendBorderColor(Color.WHITE);
        s.setChartPadding(14);
        s.setPlotMargin(8);
        s.setAxisTitlePadding(10);
        s.setToolTipsEnabled(false);
        s.setLocale(Locale.ROOT);
    }

    /** Labels turned by 30 degrees (45 when the categories are narrow) when the longest would not fit its category's width (at ~8.5 px a character). */
    private static int rotation(List<String> categories) {
        int longest = categories.stream().mapToInt(String::length).max().orElse(0);
        double slot = (WIDTH - 120.0) / Math.max(1, categories.size());
        if (longest * 8.5 <= slot * 0.95) {
            return 0;
        }
        return slot < 80 ? 45 : 30;
    }

    /** Category labels must be unique for XChart: repeated ones get " (2)", " (3)". */
    private static List<String> uniqueLabels(List<Bar> bars) {
        Set<String> seen = new LinkedHashSet<>();
        List<String> labels = new ArrayList<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Bar b : bars) {
            String l = b.label();
            int n = counts.merge(l, 1, Integer::sum);
            String unique = n == 1 ? l : l + " (" + n + ")";
            while (!seen.add(unique)) {
                unique = unique + "'";
            }
            labels.add(unique);
        }
        return labels;
    }

    /** x of the middle of category i: XChart maps category i to the left edge of its slot. */
    private static double categoryCenter(CategoryChart chart, int i) {
        return (chart.getScreenXFromChart(i) + chart.getScreenXFromChart(i + 1)) / 2;
    }

    private static void whisker(Graphics2D g, CategoryChart chart, double cx, double low, double high) {
        int yLow = (int) Math.round(chart.getScreenYFromChart(low));
        int yHigh = (int) Math.round(chart.getScreenYFromChart(high));
        int x = (int) Math.round(cx);
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1.6f));
        g.drawLine(x, yLow, x, yHigh);
        g.drawLine(x - 7, yLow, x + 7, yLow);
        g.drawLine(x - 7, yHigh, x + 7, yHigh);
    }

    private static void label(Graphics2D g, CategoryChart chart, double cx, double value, String text) {
        g.setFont(VALUE);
        g.setColor(new Color(0x222222));
        FontMetrics fm = g.getFontMetrics();
        int y = (int) Math.round(chart.getScreenYFromChart(value)) - 5;
        g.drawString(text, (int) Math.round(cx - fm.stringWidth(text) / 2.0), Math.max(fm.getAscent() + 2, y));
    }

    private static void antialias(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    }

    /** 1, 2, 2.5, 5 x 10^k at or above v: a round axis maximum. */
    static double niceCeiling(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }
}
