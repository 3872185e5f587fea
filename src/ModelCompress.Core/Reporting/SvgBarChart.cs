using System.Globalization;
using System.Text;
using static ModelCompress.Core.Reporting.SvgChartParts;

namespace ModelCompress.Core.Reporting;

/// <summary>
/// Self-contained SVG bar charts (no scripts, no external fonts, a white background): layer scores with the removed layers
/// highlighted, and baseline-vs-candidate accuracy per task. Both have a title row, a legend row under it, a value axis with
/// round ticks and grid lines, a tick and label per bar and the value over each bar; a bar of value 0 is still drawn 3 px tall.
/// </summary>
public static class SvgBarChart
{
    private const string Kept = "#4a7ebb", Removed = "#d9534f", RemovedEdge = "#8b1e1b", First = "#9aa5b1", Chance = "#c47f00";
    private const int Left = 70, Right = 20, Top = 60, PlotHeight = 220;

    /// <summary>
    /// One bar per label (e.g. a layer's score); bars at <paramref name="highlighted"/> indices are red with a dark outline and
    /// named <paramref name="highlightLegend"/> in the legend. <paramref name="categoryTitle"/> names the x axis.
    /// </summary>
    public static string Render(string title, IReadOnlyList<string> labels, IReadOnlyList<double> values, ISet<int>? highlighted = null,
                                string highlightLegend = "removed", string categoryTitle = "layer", string valueTitle = "score")
    {
        bool marked = highlighted is { Count: > 0 };
        string[] legend = marked ? ["kept", highlightLegend] : [];
        int minSlot = Math.Max(28, labels.Select(l => TextWidth(l, FontSize) + 8).DefaultIfEmpty(0).Max());
        int width = Math.Max(Math.Max(Left + labels.Count * minSlot + Right, TextWidth(title, TitleSize) + 24),
            Math.Max(LegendWidth(legend), 360));
        int plotWidth = width - Left - Right;
        double slot = labels.Count == 0 ? plotWidth : (double)plotWidth / labels.Count, barWidth = Math.Min(slot * 0.7, 48);
        var ticks = Ticks(Math.Min(0, values.DefaultIfEmpty(0).Min()), Math.Max(0, values.DefaultIfEmpty(1).Max()));
        var svg = new StringBuilder();
        Open(svg, width, Top + PlotHeight + 46, title);
        if (marked) Legend(svg, [(Kept, "kept", false), (Removed, highlightLegend, false)]);
        var chart = new SvgChartParts(svg, Left, Top, plotWidth, PlotHeight, ticks[0], ticks[^1]);
        chart.ValueAxis(ticks, valueTitle);
        var centres = Enumerable.Range(0, labels.Count).Select(i => Left + slot * (i + 0.5)).ToList();
        for (int i = 0; i < labels.Count; i++)
        {
            bool hit = highlighted?.Contains(i) == true;
            chart.Bar(centres[i] - barWidth / 2, barWidth, values[i], hit ? Removed : Kept, hit ? RemovedEdge : null,
                $"{labels[i]}: {values[i].ToString("G6", CultureInfo.InvariantCulture)}{(hit ? $" ({highlightLegend})" : "")}");
            chart.ValueLabel(centres[i], values[i], slot - 2);
        }
        chart.CategoryAxis(labels, centres, categoryTitle, rotate: false);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>
    /// Two bars per label (e.g. baseline and candidate accuracy per task), values from 0; the axis ends at 1 unless a value
    /// is larger. Where <paramref name="chance"/> has a value for a label, a dashed line marks it across that label's pair.
    /// </summary>
    public static string RenderPairs(string title, IReadOnlyList<string> labels, IReadOnlyList<double> first, IReadOnlyList<double> second,
                                     string firstLegend, string secondLegend, IReadOnlyList<double?>? chance = null,
                                     string valueTitle = "accuracy")
    {
        bool chanceShown = chance?.Any(c => c is not null) == true;
        string[] legend = chanceShown ? [firstLegend, secondLegend, "chance"] : [firstLegend, secondLegend];
        int labelWidth = labels.Select(l => TextWidth(l, FontSize)).DefaultIfEmpty(0).Max();
        int minSlot = Math.Max(72, Math.Min(labelWidth + 12, 140));
        int width = Math.Max(Math.Max(Left + labels.Count * minSlot + Right, TextWidth(title, TitleSize) + 24),
            Math.Max(LegendWidth(legend), 360));
        int plotWidth = width - Left - Right;
        double slot = labels.Count == 0 ? plotWidth : (double)plotWidth / labels.Count, barWidth = Math.Min(slot * 0.36, 56);
        bool rotate = labelWidth > slot - 6;
        double max = Math.Max(1, first.Concat(second).DefaultIfEmpty(1).Max());
        var ticks = Ticks(0, max);
        var svg = new StringBuilder();
        Open(svg, width, Top + PlotHeight + (rotate ? 30 + labelWidth / 2 : 46), title);
        Legend(svg, legend.Select((text, i) => (i switch { 0 => First, 1 => Kept, _ => Chance }, text, i == 2)));
        var chart = new SvgChartParts(svg, Left, Top, plotWidth, PlotHeight, ticks[0], ticks[^1]);
        chart.ValueAxis(ticks, valueTitle);
        var centres = Enumerable.Range(0, labels.Count).Select(i => Left + slot * (i + 0.5)).ToList();
        for (int i = 0; i < labels.Count; i++)
        {
            foreach (var (value, x, fill, who) in new[]
                     { (first[i], centres[i] - barWidth, First, firstLegend), (second[i], centres[i], Kept, secondLegend) })
            {
                string hover = $"{labels[i]} {who}: {value.ToString("G4", CultureInfo.InvariantCulture)}";
                chart.Bar(x + 1, barWidth - 2, value, fill, null, hover);
                chart.ValueLabel(x + barWidth / 2, value, barWidth);
            }
            if (chance?[i] is double level) chart.Level(centres[i] - barWidth - 4, 2 * barWidth + 8, level, Chance);
        }
        chart.CategoryAxis(labels, centres, "", rotate);
        svg.Append("</svg>\n");
        return svg.ToString();
    }
}
