package org.allocbench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

/**
 * Bar charts drawn with XChart, with what XChart cannot draw painted over
 * them: each bar's interval as a whisker (XChart's own error bars are
 * symmetric, and wrong on a logarithmic axis), the exact low..high, and the
 * value written above every bar so a reader need not estimate it from the
 * axis.
 */
final class BarCharts {

    private BarCharts() {
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
     * span more than {@code logAbove} times (0: never); null when no bar has a value.
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
        CategoryChart chart = categoryChart(title, xTitle, yTitle + (log ? " (log scale)" : ""), categories);
        chart.getStyler().setOverlapped(true);
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
        return paintedOver(chart, g -> {
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
                label(g, chart, cx, top, Numbers.significant(b.value()) + valueSuffix);
            }
        });
    }

    /**
     * Stacked bars (linear axis from 0): per category the values of each
     * series on top of each other, the sum written above; null when every value is 0.
     */
    static BufferedImage stacked(String title, String xTitle, String yTitle, List<String> categories,
            Map<String, List<Double>> series, List<Color> colors, String sumSuffix) {
        CategoryChart chart = categoryChart(title, xTitle, yTitle, categories);
        chart.getStyler().setStacked(true);
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
        return paintedOver(chart, g -> {
            for (int i = 0; i < categories.size(); i++) {
                if (sums[i] > 0) {
                    label(g, chart, categoryCenter(chart, i), sums[i], Numbers.significant(sums[i]) + sumSuffix);
                }
            }
        });
    }

    /** A category chart in the report's style, its labels turned if they would not fit. */
    private static CategoryChart categoryChart(String title, String xTitle, String yTitle, List<String> categories) {
        CategoryChart chart = new CategoryChartBuilder().width(ChartStyle.WIDTH).height(ChartStyle.HEIGHT)
                .title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        ChartStyle.apply(chart.getStyler());
        chart.getStyler().setAvailableSpaceFill(0.7);
        chart.getStyler().setXAxisLabelRotation(rotation(categories));
        return chart;
    }

    /** The chart as an image, with {@code paint} drawing over it (antialiased) in the chart's coordinates. */
    private static BufferedImage paintedOver(CategoryChart chart, Consumer<Graphics2D> paint) {
        BufferedImage image = BitmapEncoder.getBufferedImage(chart);
        Graphics2D g = image.createGraphics();
        try {
            ChartStyle.antialias(g);
            paint.accept(g);
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * Labels turned by 30 degrees (45 when the categories are narrow) when the longest would not fit its
     * category's width (at ~8.5 px a character).
     */
    private static int rotation(List<String> categories) {
        int longest = categories.stream().mapToInt(String::length).max().orElse(0);
        double slot = (ChartStyle.WIDTH - 120.0) / Math.max(1, categories.size());
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
        g.setFont(ChartStyle.VALUE);
        g.setColor(new Color(0x222222));
        FontMetrics fm = g.getFontMetrics();
        int y = (int) Math.round(chart.getScreenYFromChart(value)) - 5;
        g.drawString(text, (int) Math.round(cx - fm.stringWidth(text) / 2.0), Math.max(fm.getAscent() + 2, y));
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
