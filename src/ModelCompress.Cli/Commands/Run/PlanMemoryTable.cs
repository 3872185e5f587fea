using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Planning;

namespace ModelCompress.Cli.Commands.Run;

/// <summary>The plan's memory and time section: per stage peak memory by what holds it and time, the verdict, the assumptions.</summary>
internal static class PlanMemoryTable
{
    public static void Write(TextWriter output, PipelinePlan plan)
    {
        var t = plan.Target;
        string devices = t.Devices.Count > 1 ? $"{t.Devices.Count} x " : "";
        string each = t.Devices.Count > 1 && t.IsGpu ? " each" : "";
        output.WriteLine($"memory and time on {devices}{t.Kind} {t.Name} ({t.DType}, {Gib(t.MemoryBytes)} GiB{each}, " +
                         $"{t.Tflops:0.###} TFLOPS effective), GiB:");
        output.WriteLine($"{"stage",-22} {"weights",8} {"grads",7} {"adamw",7} {"best",7} {"activ.",7} {"logits",7} {"cache",7} " +
                         $"{"teacher",7} {"runtime",7} {"peak",8} {"time",10}");
        foreach (var r in plan.Steps)
        {
            if (r.Estimate is not { } e) continue;
            var m = e.Memory;
            output.WriteLine($"{r.Id,-22} {Gib(m.Weights),8} {Gib(m.Gradients),7} {Gib(m.Optimizer),7} {Gib(m.BestCopy),7} " +
                             $"{Gib(m.Activations),7} {Gib(m.Logits),7} {Gib(m.Cache),7} {Gib(m.Teacher),7} {Gib(m.Runtime),7} " +
                             $"{Gib(e.PeakBytes),8} {Time(e.Seconds),10}{(e.Streams ? "  streams layers" : "")}");
            if (e.Split is { } split) output.WriteLine($"{"",-22} placed: {split.Text}");
        }
        if (t.Devices.Count > 1)
            output.WriteLine(t.IsGpu ? "(several devices: the peak is the largest device's; placed: each device's layers and peak)"
                : "(CPU slots share the host's memory: the peak is the whole; placed: each slot's layers and share)");
        output.WriteLine("(best: the trainer's host copy of the best weights, not on a GPU; the optimizer step's scratch, when larger " +
                         "than activations + logits, counts instead of them)");
        output.WriteLine($"verdict:  {plan.Verdict.Text}");
        output.WriteLine("assumptions:");
        foreach (string a in plan.Assumptions) output.WriteLine($"  - {a}");
    }

    private static string Gib(long bytes) => (bytes / (double)(1L << 30)).ToString("F2", System.Globalization.CultureInfo.InvariantCulture);

    private static string Time(double seconds) => seconds switch
    {
        0 => "-",
        < 120 => $"{seconds:F1} s",
        < 7200 => $"{seconds / 60:F1} min",
        _ => $"{seconds / 3600:F1} h",
    };
}
