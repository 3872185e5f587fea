using ModelCompress.Core.Progress;

namespace ModelCompress.Core.Tests.Progress;

public sealed class ProgressTextTests
{
    [Theory]
    [InlineData(0, "00:00:00")]
    [InlineData(9.7, "00:00:09")]
    [InlineData(3 * 3600 + 12 * 60, "03:12:00")]
    [InlineData(24 * 3600 - 1, "23:59:59")]
    [InlineData(24 * 3600, "1d 00:00:00")]
    [InlineData(27 * 3600 + 12 * 60, "1d 03:12:00")]
    [InlineData(45 * 86400 + 5, "45d 00:00:05")]
    [InlineData(-3, "00:00:00")]
    public void Duration_PastADay_PrintsDays(double seconds, string expected) =>
        Assert.Equal(expected, ProgressText.Duration(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Fit_LongLine_IsCutToOneColumnLessThanTheTerminal_WithAnEllipsis()
    {
        string line = new string('x', 60) + " status with words";
        string fitted = ProgressText.Fit(line, 40);
        Assert.Equal(39, fitted.Length);
        Assert.Equal(new string('x', 38) + "…", fitted);
        Assert.Equal("short", ProgressText.Fit("short", 80));
        Assert.Equal(new string('y', 79), ProgressText.Fit(new string('y', 79), 80));
        Assert.Equal(new string('y', 78) + "…", ProgressText.Fit(new string('y', 80), 80));
    }

    [Fact]
    public void Fit_ControlCharacters_BecomeSpaces_NoTerminalLeavesTheLength()
    {
        Assert.Equal("loss 2.3 nan", ProgressText.Fit("loss 2.3\nnan", 80));
        Assert.Equal(new string('z', 300), ProgressText.Fit(new string('z', 300), 0));
        Assert.Equal("…", ProgressText.Fit("abc", 2));
    }

    [Fact]
    public void Line_InAPipeline_ShowsStageElapsedEtaAndStatus()
    {
        string line = ProgressText.Line("finetune (partial)", 25, 100, "steps", TimeSpan.FromSeconds(50), "loss 2.31", (3, 6));
        Assert.Equal("[stage 3 of 6] finetune (partial): 25/100 steps (25%), ETA 00:02:30, 00:00:50 elapsed, 0.5 steps/s, loss 2.31", line);
    }

    [Fact]
    public void Line_SlowLongJob_HasADaysEta_UnknownTotalHasNone()
    {
        Assert.Equal("heal: 1/51 steps (2%), ETA 2d 02:00:00, 01:00:00 elapsed, 0.0 steps/s",
            ProgressText.Line("heal", 1, 51, "steps", TimeSpan.FromHours(1), null));
        Assert.Equal("pull: 1024 bytes, 00:00:01 elapsed, 1024.0 bytes/s",
            ProgressText.Line("pull", 1024, 0, "bytes", TimeSpan.FromSeconds(1), null));
    }

    [Fact]
    public void Finished_PutsTheTimeFirst_SoFittingKeepsIt()
    {
        string line = ProgressText.Finished("finetune (partial)", 96, 96, "steps", TimeSpan.FromSeconds(24.34), "loss 0.75", (4, 5));
        Assert.Equal("[stage 4 of 5] finetune (partial): done in 24.3 s — 96/96 steps (100%), 3.9 steps/s, loss 0.75", line);
        Assert.StartsWith("[stage 4 of 5] finetune (partial): done in 24.3 s — 96/96", ProgressText.Fit(line, 60));
    }
}
