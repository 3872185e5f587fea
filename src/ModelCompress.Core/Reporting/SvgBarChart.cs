using System.Globalization;
using System.Net;
using System.Text;

namespace ModelCompress.Core.Reporting;

/// <summary>A self-contained SVG bar chart (no scripts, no external fonts), e.g. layer scores with removed layers highlighted.</summary>
public static class SvgBarChart
{
    public static string Render(string title, IReadOnlyList<string> labels, IReadOnlyList<double> values, ISet<int>? highlighted = null,
                                string highlightLegend = "removed")
    {
        const int barWidth = 24, gap = 6, height = 220, top = 40, left = 60, bottom = 40;
        int width = left + labels.Count * (barWidth + gap) + 20;
        double max = values.Count == 0 ? 1 : values.Max(), min = Math.Min(0, values.Count == 0 ? 0 : values.Min());
        double range = max - min == 0 ? 1 : max - min;
        string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{top + height + bottom}\" " +
                   "font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.Append($"  <text x=\"{left}\" y=\"20\" font-size=\"14\">{WebUtility.HtmlEncode(title)}</text>\n");
        double zeroY = top + height * (max / range);
        svg.Append($"  <line x1=\"{left}\" y1=\"{F(zeroY)}\" x2=\"{width - 10}\" y2=\"{F(zeroY)}\" stroke=\"#888\"/>\n");
        svg.Append($"  <text x=\"{left - 6}\" y=\"{top + 4}\" text-anchor=\"end\">" +
                   $"{WebUtility.HtmlEncode(values.Count == 0 ? "" : values.Max().ToString("G4", CultureInfo.InvariantCulture))}</text>\n");
        for (int i = 0; i < labels.Count; i++)
        {
            double v = values[i];
            double y = top + height * ((max - Math.Max(v, 0)) / range), h = height * Math.Abs(v) / range;
            int x = left + i * (barWidth + gap);
            string fill = highlighted?.Contains(i) == true ? "#d9534f" : "#4a7ebb";
            svg.Append($"  <rect x=\"{x}\" y=\"{F(y)}\" width=\"{barWidth}\" height=\"{F(Math.Max(h, 0.5))}\" fill=\"{fill}\">" +
                       $"<title>{WebUtility.HtmlEncode(labels[i])}: {v.ToString("G6", CultureInfo.InvariantCulture)}</title></rect>\n");
            svg.Append($"  <text x=\"{x + barWidth / 2}\" y=\"{top + height + 14}\" text-anchor=\"middle\">" +
                       $"{WebUtility.HtmlEncode(labels[i])}</text>\n");
        }
        if (highlighted is { Count: > 0 })
            svg.Append($"  <rect x=\"{width - 90}\" y=\"8\" width=\"10\" height=\"10\" fill=\"#d9534f\"/>" +
                       $"<text x=\"{width - 76}\" y=\"17\">{WebUtility.HtmlEncode(highlightLegend)}</text>\n");
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>Two bars per label (e.g. baseline and candidate accuracy per task), values in [0, max].</summary>
    public static string RenderPairs(string title, IReadOnlyList<string> labels, IReadOnlyList<double> first, IReadOnlyList<double> second,
                                     string firstLegend, string secondLegend)
    {
        const int barWidth = 18, groupGap = 14, height = 200, top = 40, left = 50, bottom = 60;
        int width = Math.Max(left + labels.Count * (2 * barWidth + groupGap) + 20, 300);
        double max = Math.Max(first.Concat(second).DefaultIfEmpty(1).Max(), 1e-9);
        string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
        var svg = new StringBuilder();
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{top + height + bottom}\" " +
                   "font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.Append($"  <text x=\"{left}\" y=\"20\" font-size=\"14\">{WebUtility.HtmlEncode(title)}</text>\n");
        svg.Append($"  <rect x=\"{width - 200}\" y=\"8\" width=\"10\" height=\"10\" fill=\"#9aa5b1\"/>" +
                   $"<text x=\"{width - 186}\" y=\"17\">{WebUtility.HtmlEncode(firstLegend)}</text>\n");
        svg.Append($"  <rect x=\"{width - 110}\" y=\"8\" width=\"10\" height=\"10\" fill=\"#4a7ebb\"/>" +
                   $"<text x=\"{width - 96}\" y=\"17\">{WebUtility.HtmlEncode(secondLegend)}</text>\n");
        svg.Append($"  <line x1=\"{left}\" y1=\"{top + height}\" x2=\"{width - 10}\" y2=\"{top + height}\" stroke=\"#888\"/>\n");
        for (int i = 0; i < labels.Count; i++)
        {
            int x = left + i * (2 * barWidth + groupGap);
            foreach (var (value, offset, fill) in new[] { (first[i], 0, "#9aa5b1"), (second[i], barWidth, "#4a7ebb") })
            {
                double h = height * Math.Max(value, 0) / max;
                svg.Append($"  <rect x=\"{x + offset}\" y=\"{F(top + height - h)}\" width=\"{barWidth - 2}\" " +
                           $"height=\"{F(Math.Max(h, 0.5))}\" fill=\"{fill}\">" +
                           $"<title>{WebUtility.HtmlEncode(labels[i])}: {value.ToString("G4", CultureInfo.InvariantCulture)}" +
                           "</title></rect>\n");
            }
            svg.Append($"  <text x=\"{x + barWidth}\" y=\"{top + height + 14}\" text-anchor=\"end\" " +
                       $"transform=\"rotate(-30 {x + barWidth} {top + height + 14})\">{WebUtility.HtmlEncode(labels[i])}</text>\n");
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }
}
