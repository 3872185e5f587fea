using System.Diagnostics;
using System.Text.Json.Nodes;
using ModelCompress.Core;
using ModelCompress.Core.Scoring;
using static TorchSharp.torch;

namespace ModelCompress.Bench;

/// <summary>
/// <c>score --model DIR --metric NAME [--low-memory] [--calibration FILE] [--samples 10] [--seq 128] [--seed 42] [--threads 2]</c>:
/// times ONE <see cref="LayerScorer.Score"/> call in fp32 on the CPU and prints one JSON line with its seconds and the
/// process's peak RSS. Run each metric in its own process (bench/run-score.sh does) so the peak belongs to that metric.
/// </summary>
internal static class ScoreBenchmark
{
    public const string DefaultCalibration = "/work/shared/data/text/wikitext-2-raw/wiki.test.raw";

    public static JsonObject Run(Args a)
    {
        string folder = a.Required("--model");
        var metric = ScoringMetrics.Parse(a.Required("--metric"));
        bool lowMemory = a.Flag("--low-memory");
        string calibration = a.Str("--calibration", DefaultCalibration);
        int samples = a.Int("--samples", 10), seq = a.Int("--seq", 128), threads = a.Int("--threads", 2);
        long seed = a.Long("--seed", 42);
        a.Done();

        set_num_threads(threads);
        double rssBefore = ProcessStats.CurrentRssMb();
        var request = new ScoringRequest(folder, metric, metric.NeedsCalibration() ? calibration : null, samples, seq, seed, LowMemory: lowMemory);
        using var self = Process.GetCurrentProcess();
        var cpuBefore = self.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        var scores = LayerScorer.Score(request, CPU, ScalarType.Float32);
        watch.Stop();
        self.Refresh();
        return new JsonObject
        {
            ["benchmark"] = "score",
            ["metric"] = metric.Name(),
            ["low_memory"] = lowMemory,
            ["dtype"] = "fp32",
            ["samples"] = samples,
            ["seq"] = seq,
            ["threads"] = threads,
            ["seconds"] = Math.Round(watch.Elapsed.TotalSeconds, 3),
            ["cpu_seconds"] = Math.Round((self.TotalProcessorTime - cpuBefore).TotalSeconds, 2),
            ["rss_before_mb"] = Math.Round(rssBefore, 1),
            ["peak_rss_mb"] = Math.Round(ProcessStats.PeakRssMb(), 1),
            ["removal_order"] = new JsonArray(scores.RemovalOrder.Select(i => (JsonNode)i).ToArray()),
        };
    }
}
