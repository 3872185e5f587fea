using System.Diagnostics;
using System.Text.Json.Nodes;
using ModelCompress.Core.Model;
using static TorchSharp.torch;

namespace ModelCompress.Bench;

/// <summary>
/// Per-component timings (milliseconds, median of --iters after --warmup) of the pieces of one decoder layer at the
/// benchmark's shapes, plus peak RSS after a full forward pass. For finding where TorchSharp's forward time and memory go;
/// bench/python/micro.py times the same pieces in PyTorch.
/// </summary>
internal static class MicroBenchmark
{
    public static JsonObject Run(BenchOptions o)
    {
        set_num_threads(o.Threads);
        var dtype = BenchModel.DType(o.DType);
        long b = o.Batch, t = o.Seq, hidden = 768, heads = 12, kvHeads = 4, d = 64, inter = 2048;
        var g = new Generator((ulong)o.Seed);
        Tensor R(params long[] shape) => randn(shape, generator: g).mul_(0.02).to(dtype);
        var timings = new JsonObject();
        var rss = new JsonObject { ["start_mb"] = Math.Round(ProcessStats.PeakRssMb(), 1) };

        using (inference_mode())
        {
            var x = R(b, t, hidden);
            var wq = R(hidden, hidden); var wk = R(kvHeads * d, hidden); var wo = R(hidden, hidden);
            var wg = R(inter, hidden); var wd = R(hidden, inter); var wHead = R(BenchModel.Vocab, hidden);
            var normWeight = ones(hidden, dtype: dtype);
            var q = R(b, heads, t, d); var k = R(b, kvHeads, t, d); var v = R(b, kvHeads, t, d);
            var kRep = k.repeat_interleave(heads / kvHeads, dim: 1); var vRep = v.repeat_interleave(heads / kvHeads, dim: 1);
            var rotary = new RotaryEmbedding(BenchModel.Config());
            var (cos, sin) = rotary.Table(0, t, CPU, dtype);
            var causal = ones(t, t, ScalarType.Bool).tril();   // True = may attend
            var additive = zeros(t, t, dtype: dtype).masked_fill(causal.logical_not(), double.NegativeInfinity);

            void Time(string name, Func<Tensor> op)
            {
                var ms = new List<double>();
                for (int i = 0; i < o.Warmup + o.Iters; i++)
                {
                    using var scope = NewDisposeScope();
                    var w = Stopwatch.StartNew();
                    op();
                    w.Stop();
                    if (i >= o.Warmup) ms.Add(w.Elapsed.TotalMilliseconds);
                }
                timings[name] = Math.Round(ForwardBenchmark.Median(ms), 2);
            }

            var norm = new RmsNorm(hidden, 1e-5, CPU, dtype);
            using (no_grad()) norm.Weight.fill_(1.0);
            Time("rmsnorm_model", () => norm.call(x));                                  // fp32 round trip as in RmsNorm.cs
            Time("rmsnorm_native_dtype", () => x * rsqrt(x.pow(2).mean([-1], keepdim: true) + 1e-5) * normWeight);
            Time("rotary_table", () => rotary.Table(0, t, CPU, dtype).Cos);
            Time("rotary_apply_q", () => RotaryEmbedding.Apply(q, cos, sin));
            Time("repeat_interleave_kv", () => k.repeat_interleave(heads / kvHeads, dim: 1) + 0 * v.repeat_interleave(heads / kvHeads, dim: 1));
            Time("repeat_interleave_k_only", () => k.repeat_interleave(heads / kvHeads, dim: 1));
            Time("expand_reshape_k_only", () => k.unsqueeze(2).expand(b, kvHeads, heads / kvHeads, t, d).reshape(b, heads, t, d));
            Time("sdpa_is_causal", () => nn.functional.scaled_dot_product_attention(q, kRep, vRep, null, 0.0, true));
            Time("sdpa_additive_mask", () => nn.functional.scaled_dot_product_attention(q, kRep, vRep, additive, 0.0, false));
            Time("attention_math", () => softmax(matmul(q, kRep.transpose(-2, -1)).div_(Math.Sqrt(d)) + additive, -1).matmul(vRep));
            Time("linear_q_768x768", () => nn.functional.linear(x, wq));
            Time("linear_k_768x256", () => nn.functional.linear(x, wk));
            Time("linear_gate_768x2048", () => nn.functional.linear(x, wg));
            var hmid = R(b, t, inter);
            Time("linear_down_2048x768", () => nn.functional.linear(hmid, wd));
            Time("silu_mul", () => nn.functional.silu(hmid) * hmid);
            Time("linear_o_768x768", () => nn.functional.linear(x, wo));
            Time("lm_head_768x32000", () => nn.functional.linear(x, wHead));
        }
        rss["after_components_mb"] = Math.Round(ProcessStats.PeakRssMb(), 1);

        // Memory of the whole model: peak RSS after building, after one forward, after a second one.
        using var model = BenchModel.Create(o);
        rss["after_model_mb"] = Math.Round(ProcessStats.PeakRssMb(), 1);
        using var ids = BenchModel.RandomIds(o.Batch, o.Seq, o.Seed + 1);
        var whole = new List<double>();
        using (inference_mode())
            for (int i = 0; i < 2; i++)
            {
                using var scope = NewDisposeScope();
                var w = Stopwatch.StartNew();
                model.forward(ids);
                whole.Add(Math.Round(w.Elapsed.TotalMilliseconds, 1));
                rss[$"after_forward_{i + 1}_mb"] = Math.Round(ProcessStats.PeakRssMb(), 1);
            }

        return new JsonObject
        {
            ["impl"] = "torchsharp", ["bench"] = "micro", ["dtype"] = o.DType, ["batch"] = o.Batch, ["seq"] = o.Seq,
            ["threads"] = o.Threads, ["layers"] = o.Layers, ["ms"] = timings,
            ["forward_ms"] = new JsonArray(whole.Select(s => (JsonNode)s).ToArray()), ["peak_rss"] = rss,
        };
    }
}
