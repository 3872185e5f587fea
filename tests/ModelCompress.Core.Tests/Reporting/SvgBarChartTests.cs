using System.Globalization;
using System.Xml.Linq;
using ModelCompress.Core.Reporting;

namespace ModelCompress.Core.Tests.Reporting;

public sealed class SvgBarChartTests : IDisposable
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private readonly TempFolder temp = new("mc-chart-");

    // The reverse-order staircase of an 8-layer model with the last two layers removed: the last one scores 0.
    private static string Staircase() => SvgBarChart.Render("reverse-order layer scores of a long title that used to be cut at 320 px",
        [.. Enumerable.Range(0, 8).Select(i => i.ToString(CultureInfo.InvariantCulture))],
        [.. Enumerable.Range(0, 8).Select(i => 7.0 - i)], new HashSet<int> { 6, 7 }, "removed (reverse-order)");

    private static string Tasks() => SvgBarChart.RenderPairs("Accuracy per task: baseline vs candidate", ["arc_easy.acc", "piqa.acc"],
        [0.8, 0.7], [0.6, 0.5], "baseline", "candidate", [0.25, 0.5]);

    [Theory]
    [InlineData(0, 0.243, new[] { 0, 0.05, 0.1, 0.15, 0.2, 0.25 })]
    [InlineData(0, 1, new[] { 0, 0.2, 0.4, 0.6, 0.8, 1 })]
    [InlineData(0, 7, new[] { 0.0, 2, 4, 6, 8 })]
    [InlineData(-0.3, 0.7, new[] { -0.4, -0.2, 0, 0.2, 0.4, 0.6, 0.8 })]
    [InlineData(0, 0, new[] { 0, 0.2, 0.4, 0.6, 0.8, 1 })]
    public void Ticks_AreRoundAndSpanTheData(double min, double max, double[] expected) =>
        Assert.Equal(expected, SvgChartParts.Ticks(min, max));

    [Fact]
    public void Scores_TitleFitsAndSitsAboveTheLegend_ZeroBarIsDrawnOutlined_AxisHasTicksAndValues()
    {
        var svg = XDocument.Parse(Staircase()).Root!;
        var title = svg.Elements(Svg + "text").First();
        Assert.True(int.Parse(svg.Attribute("width")!.Value, CultureInfo.InvariantCulture)
                    >= 12 + SvgChartParts.TextWidth(title.Value, SvgChartParts.TitleSize));
        var legend = svg.Elements(Svg + "text").Single(t => t.Value == "removed (reverse-order)");
        Assert.True(Y(legend) - Y(title) >= SvgChartParts.TitleSize, "the legend row is under the title");
        var bars = svg.Elements(Svg + "rect").Where(r => r.Element(Svg + "title") is not null).ToList();
        Assert.Equal(8, bars.Count);
        var last = bars[7];
        Assert.Equal("7: 0 (removed (reverse-order))", last.Element(Svg + "title")!.Value);
        Assert.Equal("3", last.Attribute("height")!.Value);
        Assert.Equal("#8b1e1b", last.Attribute("stroke")!.Value);
        var texts = svg.Elements(Svg + "text").Select(t => t.Value).ToList();
        foreach (string tick in new[] { "0", "2", "4", "6", "8" }) Assert.Contains(tick, texts); // y ticks
        // The value labels follow the axis title.
        Assert.Equal(["7", "6", "5", "4", "3", "2", "1", "0"], texts.SkipWhile(t => t != "score").Skip(1).Take(8));
        Assert.Contains("layer", texts);
    }

    [Fact]
    public void Tasks_UseTheirWidth_LegendUnderTheTitle_ValueLabelsAndChanceLines()
    {
        var svg = XDocument.Parse(Tasks()).Root!;
        int width = int.Parse(svg.Attribute("width")!.Value, CultureInfo.InvariantCulture);
        var bars = svg.Elements(Svg + "rect").Where(r => r.Element(Svg + "title") is not null).ToList();
        double rightmost = bars.Max(b => X(b) + double.Parse(b.Attribute("width")!.Value, CultureInfo.InvariantCulture));
        Assert.True(rightmost > width * 0.75, $"bars end at {rightmost} of {width} px");
        var texts = svg.Elements(Svg + "text").Select(t => t.Value).ToList();
        foreach (string v in new[] { "0.8", "0.7", "0.6", "0.5" }) Assert.Contains(v, texts);
        Assert.Contains("chance", texts);
        Assert.Equal(3, svg.Elements(Svg + "line").Count(l => l.Attribute("stroke-dasharray") is not null)); // legend + 2 tasks
    }

    [Fact]
    public void BothCharts_RenderToPng_NotBlank_RemovedZeroBarVisible()
    {
        foreach (var (name, text) in new[] { ("scores", Staircase()), ("tasks", Tasks()) })
        {
            string path = Path.Combine(temp, $"{name}.svg");
            File.WriteAllText(path, text);
            var png = PngImage.Render(path);
            Assert.Equal((255, 255, 255, 255), png[0, 0]); // the chart's own white background, readable in dark mode too
            int drawn = png.Drawn();
            Assert.True(drawn > png.Width * png.Height / 20, $"{name}.png: only {drawn} of {png.Width * png.Height} pixels drawn");
        }
        // Red pixels in the slot of layer 7, whose value is 0: its bar is drawn 3 px tall with a dark red outline.
        var scores = PngImage.Render(Path.Combine(temp, "scores.svg"));
        var last = XDocument.Parse(Staircase()).Root!.Elements(Svg + "rect").Where(r => r.Element(Svg + "title") is not null).Last();
        int from = (int)X(last), to = from + (int)double.Parse(last.Attribute("width")!.Value, CultureInfo.InvariantCulture);
        int red = 0;
        for (int y = 60; y < scores.Height; y++)
            for (int x = from; x <= to; x++)
                if (scores[x, y] is var (r, g, b, _) && r > g + 50 && r > b + 50) red++;
        Assert.InRange(red, 3 * (to - from) / 2, 6 * (to - from));
    }

    private static double Y(XElement e) => double.Parse(e.Attribute("y")!.Value, CultureInfo.InvariantCulture);

    private static double X(XElement e) => double.Parse(e.Attribute("x")!.Value, CultureInfo.InvariantCulture);

    public void Dispose() => temp.Dispose();
}
