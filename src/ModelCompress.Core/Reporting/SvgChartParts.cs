using System.Globalization;
using System.Net;
using System.Text;

namespace ModelCompress.Core.Reporting;

/// <summary>
/// The frame both bar charts share: a title row, a legend row under it (so the two never overlap), a value axis with
/// round ticks and grid lines, and the category axis with a tick and a label per bar. Text widths are estimated from
/// the font size (no font is measured), generously, so a title is never cut at the chart's edge.
/// </summary>
internal sealed class SvgChartParts(StringBuilder svg, int left, int top, int plotWidth, int plotHeight, double low, double high)
{
    public const int TitleSize = 14, FontSize = 11, ValueSize = 9;

    /// <summary>The y pixel of <paramref name="value"/> on the value axis.</summary>
    public double Y(double value) => top + plotHeight * (high - value) / (high - low);

    /// <summary>Round tick values spanning [min, max] (steps of 1, 2, 2.5 or 5 × 10^k), about <paramref name="count"/> of them.</summary>
    public static double[] Ticks(double min, double max, int count = 5)
    {
        if (max - min <= 0) max = min + 1;
        double raw = (max - min) / count, power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * power).First(s => s >= raw);
        double first = Math.Floor(min / step + 1e-9) * step, last = Math.Ceiling(max / step - 1e-9) * step;
        return [.. Enumerable.Range(0, (int)Math.Round((last - first) / step) + 1).Select(i => Clean(first + i * step))];
    }

    /// <summary>Estimated width in pixels of <paramref name="text"/> at <paramref name="size"/> (a generous sans-serif average).</summary>
    public static int TextWidth(string text, int size) => (int)Math.Ceiling(text.Length * size * 0.62);

    public static void Open(StringBuilder svg, int width, int height, string title)
    {
        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" " +
                   $"font-family=\"sans-serif\" font-size=\"{FontSize}\">\n");
        svg.Append($"  <rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>\n");
        svg.Append($"  <text x=\"12\" y=\"22\" font-size=\"{TitleSize}\" font-weight=\"bold\">{Esc(title)}</text>\n");
    }

    /// <summary>Legend entries in one row under the title: a swatch (filled, or <c>dash</c> for a dashed line) and its text.</summary>
    public static void Legend(StringBuilder svg, IEnumerable<(string Color, string Text, bool Dash)> entries)
    {
        int x = 12;
        foreach (var (color, text, dash) in entries)
        {
            svg.Append(dash
                ? $"  <line x1=\"{x}\" y1=\"39\" x2=\"{x + 14}\" y2=\"39\" stroke=\"{color}\" stroke-width=\"2\" stroke-dasharray=\"4 2\"/>"
                : $"  <rect x=\"{x}\" y=\"33\" width=\"12\" height=\"12\" fill=\"{color}\"/>");
            svg.Append($"<text x=\"{x + 18}\" y=\"43\">{Esc(text)}</text>\n");
            x += 18 + TextWidth(text, FontSize) + 16;
        }
    }

    /// <summary>Width the legend row needs.</summary>
    public static int LegendWidth(IEnumerable<string> texts) => 12 + texts.Sum(t => 18 + TextWidth(t, FontSize) + 16);

    /// <summary>Grid lines and labels at <paramref name="ticks"/>, the value axis line and its rotated title.</summary>
    public void ValueAxis(IReadOnlyList<double> ticks, string axisTitle)
    {
        foreach (double t in ticks)
        {
            string y = F(Y(t));
            svg.Append($"  <line x1=\"{left}\" y1=\"{y}\" x2=\"{left + plotWidth}\" y2=\"{y}\" stroke=\"#e3e3e3\"/>" +
                       $"<line x1=\"{left - 5}\" y1=\"{y}\" x2=\"{left}\" y2=\"{y}\" stroke=\"#555\"/>" +
                       $"<text x=\"{left - 8}\" y=\"{F(Y(t) + 4)}\" text-anchor=\"end\">{Number(t)}</text>\n");
        }
        svg.Append($"  <line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{top + plotHeight}\" stroke=\"#555\"/>\n");
        int middle = top + plotHeight / 2;
        svg.Append($"  <text x=\"14\" y=\"{middle}\" text-anchor=\"middle\" transform=\"rotate(-90 14 {middle})\">" +
                   $"{Esc(axisTitle)}</text>\n");
    }

    /// <summary>The baseline at zero (or the axis bottom), a tick and a label under each category centre, and the axis title.</summary>
    public void CategoryAxis(IReadOnlyList<string> labels, IReadOnlyList<double> centres, string axisTitle, bool rotate)
    {
        double zero = Y(Math.Max(low, Math.Min(0, high)));
        int bottom = top + plotHeight;
        svg.Append($"  <line x1=\"{left}\" y1=\"{F(zero)}\" x2=\"{left + plotWidth}\" y2=\"{F(zero)}\" stroke=\"#555\"/>\n");
        for (int i = 0; i < labels.Count; i++)
        {
            string x = F(centres[i]);
            svg.Append($"  <line x1=\"{x}\" y1=\"{bottom}\" x2=\"{x}\" y2=\"{bottom + 5}\" stroke=\"#555\"/>");
            svg.Append(rotate
                ? $"<text x=\"{x}\" y=\"{bottom + 16}\" text-anchor=\"end\" transform=\"rotate(-30 {x} {bottom + 16})\">" +
                  $"{Esc(labels[i])}</text>\n"
                : $"<text x=\"{x}\" y=\"{bottom + 17}\" text-anchor=\"middle\">{Esc(labels[i])}</text>\n");
        }
        if (axisTitle.Length > 0)
            svg.Append($"  <text x=\"{left + plotWidth / 2}\" y=\"{bottom + 34}\" text-anchor=\"middle\">{Esc(axisTitle)}</text>\n");
    }

    /// <summary>A bar from zero to <paramref name="value"/>, at least 3 px tall so a zero still shows, with a hover title.</summary>
    public void Bar(double x, double width, double value, string fill, string? stroke, string hover)
    {
        double zero = Y(Math.Max(low, Math.Min(0, high))), end = Y(value);
        double y = Math.Min(zero, end), h = Math.Abs(zero - end);
        if (h < 3) (y, h) = (value < 0 ? zero : zero - 3, 3);
        string outline = stroke is null ? "" : $" stroke=\"{stroke}\" stroke-width=\"1.5\"";
        svg.Append($"  <rect x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(width)}\" height=\"{F(h)}\" fill=\"{fill}\"{outline}>" +
                   $"<title>{Esc(hover)}</title></rect>\n");
    }

    /// <summary>The value above a bar (below a negative one), rotated upright when the bar is too narrow for the text.</summary>
    public void ValueLabel(double centre, double value, double room)
    {
        string text = Number(value);
        bool vertical = TextWidth(text, ValueSize) > room;
        double zero = Y(Math.Max(low, Math.Min(0, high))), end = Math.Min(Y(value), zero - 3);
        if (value < 0) end = Math.Max(Y(value), zero + 3);
        if (vertical)
        {
            double y = value < 0 ? end + 4 : end - 4;
            string anchor = value < 0 ? "end" : "start";
            svg.Append($"  <text x=\"{F(centre + 3)}\" y=\"{F(y)}\" font-size=\"{ValueSize}\" text-anchor=\"{anchor}\" " +
                       $"transform=\"rotate(-90 {F(centre + 3)} {F(y)})\">{text}</text>\n");
        }
        else
            svg.Append($"  <text x=\"{F(centre)}\" y=\"{F(value < 0 ? end + 11 : end - 3)}\" font-size=\"{ValueSize}\" " +
                       $"text-anchor=\"middle\">{text}</text>\n");
    }

    /// <summary>A dashed horizontal line over [x, x + width] at <paramref name="value"/> (a chance level).</summary>
    public void Level(double x, double width, double value, string color) =>
        svg.Append($"  <line x1=\"{F(x)}\" y1=\"{F(Y(value))}\" x2=\"{F(x + width)}\" y2=\"{F(Y(value))}\" stroke=\"{color}\" " +
                   "stroke-width=\"2\" stroke-dasharray=\"4 2\"/>\n");

    /// <summary>A chart number: three significant digits, invariant.</summary>
    public static string Number(double v) => Clean(v).ToString("G3", CultureInfo.InvariantCulture);

    public static string Esc(string text) => WebUtility.HtmlEncode(text);

    public static string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);

    // Tick arithmetic leaves 0.30000000000000004; round to 12 significant digits.
    private static double Clean(double v) => v == 0 ? 0 : Math.Round(v, Math.Clamp(12 - (int)Math.Ceiling(Math.Log10(Math.Abs(v))), 0, 15));
}
