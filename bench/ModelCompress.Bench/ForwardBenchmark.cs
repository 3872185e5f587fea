using System.Diagnostics;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace ModelCompress.Bench;

/// <summary>
/// Times full forward passes (ids -> logits) of the random ~100M-parameter Llama and prints one JSON line:
/// <c>{"impl":"torchsharp","dtype",…,"seconds":[…],"median_seconds","tokens_per_s","peak_rss_mb"}</c>.
/// </summary>
internal static class ForwardBenchmark
{
    public static JsonObject Run(BenchOptions o)
    {
        bool mallopt = o.MmapThreshold is { } bytes && NativeMemory.SetMmapThreshold(bytes);
        set_num_threads(o.Threads);
        using var model = BenchModel.Create(o);
        long parameters = BenchModel.ParameterCount(model);
        using var ids = BenchModel.RandomIds(o.Batch, o.Seq, o.Seed + 1);

        var seconds = new List<double>();
        var cpuSeconds = new List<double>();
        using var self = Process.GetCurrentProcess();
        using (inference_mode())
        {
            for (int i = 0; i < o.Warmup + o.Iters; i++)
            {
                using var scope = NewDisposeScope();
                self.Refresh();
                var cpuBefore = self.TotalProcessorTime;
                var watch = Stopwatch.StartNew();
                var logits = model.forward(ids);
                // CPU ops are synchronous; touching one value makes sure nothing is pending.
                _ = logits[0, -1, 0].to(ScalarType.Float32).item<float>();
                watch.Stop();
                self.Refresh();
                if (i >= o.Warmup)
                {
                    seconds.Add(watch.Elapsed.TotalSeconds);
                    cpuSeconds.Add((self.TotalProcessorTime - cpuBefore).TotalSeconds);
                }
            }
        }

        double median = Median(seconds);
        return new JsonObject
        {
            ["impl"] = "torchsharp",
            ["dtype"] = o.DType,
            ["batch"] = o.Batch,
            ["seq"] = o.Seq,
            ["threads"] = o.Threads,
            ["params"] = parameters,
            ["seconds"] = new JsonArray(seconds.Select(s => (JsonNode)Math.Round(s, 4)).ToArray()),
            ["median_seconds"] = Math.Round(median, 4),
            ["tokens_per_s"] = Math.Round(o.Batch * (double)o.Seq / median, 1),
            ["peak_rss_mb"] = Math.Round(ProcessStats.PeakRssMb(), 1),
            // Process CPU time (user + system, all threads) per timed iteration: less sensitive than wall time to other
            // processes stealing the 2 cores, but it includes OpenMP spin-waiting and page-fault (system) time.
            ["mmap_threshold"] = mallopt ? o.MmapThreshold : null,
            ["cpu_seconds"] = new JsonArray(cpuSeconds.Select(s => (JsonNode)Math.Round(s, 3)).ToArray()),
        };
    }

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
