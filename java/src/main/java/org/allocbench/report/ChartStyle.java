package org.allocbench.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.util.Locale;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;

/**
 * The look every chart of the report shares: size, fonts, colours, and the
 * styler settings XChart needs to draw on white with readable labels. One
 * place, so a per-op lane is the same blue in every chart and the charts of
 * two reports can be laid side by side.
 */
final class ChartStyle {

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
    static final Color[] PALETTE = {new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C),
            new Color(0xD62728), new Color(0x9467BD), new Color(0x8C564B), new Color(0xE377C2), new Color(0x7F7F7F),
            new Color(0xBCBD22), new Color(0x17BECF), new Color(0x000000), new Color(0xAEC7E8)};

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 19);
    private static final Font AXIS_TITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 16);
    private static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    private static final Font LEGEND = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    /** The values written over the bars. */
    static final Font VALUE = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    private ChartStyle() {
    }

    /** The shared styler settings: white ground, the report's fonts, the legend below, Locale.ROOT ticks. */
    static void apply(AxesChartStyler s) {
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

    /** Smooth lines and text for what is drawn over a finished chart. */
    static void antialias(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    }
}
