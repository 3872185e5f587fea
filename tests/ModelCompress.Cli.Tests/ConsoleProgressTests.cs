using ModelCompress.Cli;

namespace ModelCompress.Cli.Tests;

public sealed class ConsoleProgressTests
{
    [Fact]
    public void Terminal_LiveLineIsClearedAndFittedToTheWidth_MessagesEndTheirRow()
    {
        var output = new StringWriter();
        var progress = new ConsoleProgress(output, interactive: true, columns: () => 40);

        progress.Stage(2, 5);
        progress.Message("stage 2 of 5 heal (finetune): started");
        using (var task = progress.Start("finetune (partial) with a long name", 1000, "steps"))
        {
            Thread.Sleep(250);
            task.Advance(10, "loss 2.31");
        }

        string[] writes = output.ToString().Split("\r\u001b[2K", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("stage 2 of 5 heal (finetune): started\n", writes[0]);
        Assert.Equal("finetune (partial) with a long name: started (1000 steps)\n", writes[1]);
        string live = writes[2];
        Assert.DoesNotContain('\n', live);
        Assert.Equal(39, live.Length);
        Assert.StartsWith("[stage 2 of 5] finetune (partial) with", live);
        Assert.EndsWith("…", live);
        Assert.EndsWith("…\n", writes[3]);
        Assert.StartsWith("[stage 2 of 5] finetune (partial) with", writes[3]);
        Assert.Equal(40, writes[3].Length);
        Assert.Equal(4, writes.Length);
    }

    [Fact]
    public void CiLog_TimestampedLines_NoEscapesNoLiveLine()
    {
        var output = new StringWriter();
        var progress = new ConsoleProgress(output, interactive: false, columns: () => 40);

        using (var task = progress.Start("score", 10, "layers")) task.Advance(1);

        string[] lines = output.ToString().ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^\[\d\d:\d\d:\d\d\] score: started \(10 layers\)$", lines[0]);
        Assert.Matches(@"^\[\d\d:\d\d:\d\d\] score: 1/10 layers \(10%\), .* — done in \d+\.\d s$", lines[1]);
        Assert.DoesNotContain(output.ToString(), c => c == (char)27);
    }
}
