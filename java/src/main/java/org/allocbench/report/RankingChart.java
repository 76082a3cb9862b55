package org.allocbench.report;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.allocbench.fleet.FleetTables;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/**
 * Each allocator's overall rank on every host of a merged run, a line per allocator across the hosts: where
 * the lines cross, the hosts disagree on which allocator is faster. An XY chart with the hosts at x = 0, 1, ...
 * (labelled with their names) and rank r drawn at y = n + 1 - r, labelled r, so that rank 1 is at the top
 * (XChart's axes do not invert, and its category charts offset each series within a category). Each line
 * is drawn slightly off its rank so that tied allocators stay visible.
 */
final class RankingChart {

    private RankingChart() {
    }

    /** The chart, or null when fewer than two hosts ranked anything. */
    static BufferedImage draw(String title, List<String> hosts, List<FleetTables.RankRow> rows) {
        if (hosts.size() < 2 || rows.isEmpty()) {
            return null;
        }
        int n = rows.size();
        XYChart chart = new XYChartBuilder().width(ChartStyle.WIDTH).height(ChartStyle.HEIGHT).title(title)
                .xAxisTitle("host").yAxisTitle("overall rank (1: fastest)").build();
        ChartStyle.apply(chart.getStyler());
        chart.getStyler().setMarkerSize(10);
        chart.getStyler().setXAxisMin(-0.3);
        chart.getStyler().setXAxisMax(hosts.size() - 0.7);
        chart.getStyler().setYAxisMin(0.5);
        chart.getStyler().setYAxisMax(n + 0.5);
        chart.setCustomXAxisTickLabelsFormatter(x -> whole(x) && x >= 0 && x < hosts.size()
                ? hosts.get((int) Math.rint(x)) : blank(x));
        chart.setCustomYAxisTickLabelsFormatter(y -> whole(y) && y >= 1 && y <= n
                ? Long.toString(n + 1 - Math.round(y)) : blank(y));
        int k = 0;
        for (FleetTables.RankRow row : rows) {
            List<Double> xs = new ArrayList<>();
            List<Double> ys = new ArrayList<>();
            for (int h = 0; h < row.ranks().size(); h++) {
                String rank = row.ranks().get(h);
                if (!rank.isEmpty()) {
                    xs.add((double) h);
                    // tied allocators ("1=") would hide one another: each line sits a little off its rank
                    ys.add(n + 1 - Double.parseDouble(rank.replace("=", "")) + (k - (n - 1) / 2.0) * 0.05);
                }
            }
            if (xs.isEmpty()) {
                continue;
            }
            XYSeries series = chart.addSeries(row.allocator(), xs, ys);
            series.setLineColor(ChartStyle.PALETTE[k % ChartStyle.PALETTE.length]);
            series.setMarkerColor(ChartStyle.PALETTE[k % ChartStyle.PALETTE.length]);
            k++;
        }
        return BitmapEncoder.getBufferedImage(chart);
    }

    private static boolean whole(double v) {
        return Math.abs(v - Math.rint(v)) < 1e-6;
    }

    /**
     * An invisible label of its own for a tick between hosts or ranks: XChart drops every tick label of an axis
     * whose labels are not all different, so each blank is a different number of zero-width spaces.
     */
    private static String blank(double v) {
        return "\u200B".repeat(1 + (int) Math.round(Math.abs(v) * 100) % 997);
    }
}
