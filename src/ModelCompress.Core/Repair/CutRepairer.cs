using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Data;
using ModelCompress.Core.Model;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Scoring;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

namespace ModelCompress.Core.Repair;

/// <summary>
/// Repairs the cuts of a pruned model (the student) against the model it was pruned from (the teacher), without training, and
/// writes a plain Hugging Face folder with the same keys and shapes. Both models walk the calibration windows side by side, one
/// layer resident at a time (<see cref="StreamingLayerRunner"/>); at each cut the student's state is fitted to the teacher's
/// state after the removed layers, and the fitted student state flows on, so a later cut also corrects what an earlier one missed.
/// </summary>
public static class CutRepairer
{
    public static RepairReport Repair(RepairRequest request, Device device, ScalarType dtype, IProgressSink? progress = null)
    {
        var teacherConfig = TensorInventory.Validate(request.Teacher);
        var studentConfig = TensorInventory.Validate(request.Student);
        Check(request, teacherConfig, studentConfig);
        var cuts = Cut.Of(request.Kept, teacherConfig.NumHiddenLayers);
        var calibration = CalibrationSet.Load(request.CalibrationFile, TokenizerLoader.FromFolder(request.Student), request.Samples,
            request.SeqLen, request.Seed);
        var edits = new Dictionary<string, Func<Tensor, Tensor>>(StringComparer.Ordinal);
        var repaired = Walk(request, studentConfig, teacherConfig.NumHiddenLayers, cuts, calibration, device, dtype, edits,
            progress ?? NullProgress.Instance);
        var report = new RepairReport(request.Method.Name(), request.Method == RepairMethod.Linear ? request.Ridge : null,
            ModelIdentity.Of(request.Teacher, teacherConfig), calibration.Info, repaired, ToolInfo.Version);
        RepairedCheckpoint.Write(request, edits, report);
        return report;
    }

    private static void Check(RepairRequest request, LlamaConfig teacher, LlamaConfig student)
    {
        if (student.NumHiddenLayers != request.Kept.Count)
            throw new InvalidInputException($"{request.Student}: the model has {student.NumHiddenLayers} layers but its kept list " +
                                            $"names {request.Kept.Count}; check its pruning.json.");
        if (teacher.HiddenSize != student.HiddenSize || teacher.VocabSize != student.VocabSize)
            throw new InvalidInputException($"{request.Teacher} is not the model {request.Student} was pruned from (hidden " +
                                            $"{teacher.HiddenSize} vs {student.HiddenSize}, vocab {teacher.VocabSize} vs " +
                                            $"{student.VocabSize}); pass the unpruned model.");
        if (request.Ridge < 0 || !double.IsFinite(request.Ridge))
            throw new InvalidInputException($"ridge {request.Ridge} must be a finite number of at least 0.");
    }

    // One pass over the teacher's layers; the student's kept layers run beside them and each cut is fitted where it ends.
    private static List<CutRepair> Walk(RepairRequest request, LlamaConfig config, int teacherLayers, IReadOnlyList<Cut> cuts,
                                        CalibrationSet calibration, Device device, ScalarType dtype,
                                        Dictionary<string, Func<Tensor, Tensor>> edits, IProgressSink progress)
    {
        var result = new List<CutRepair>();
        var studentOf = request.Kept.Select((t, j) => (t, j)).ToDictionary(p => p.t, p => p.j);
        using var teacher = new StreamingLayerRunner(request.Teacher, device, dtype);
        using var student = new StreamingLayerRunner(request.Student, device, dtype);
        using var reader = CheckpointReader.Open(request.Student);
        var rotary = new RotaryEmbedding(config);
        using var noGrad = no_grad();
        using var ids = calibration.Batch(0, calibration.Windows.Count, device);
        var ht = teacher.Embed(ids); // (S, T, hidden) teacher stream
        var hs = student.Embed(ids); // (S, T, hidden) student stream
        (Tensor Y, Tensor M)? split = null;
        double scale = 1; // rescale: what the output projections of the current student layer are multiplied by
        using var task = progress.Start($"repair ({request.Method.Name()})", teacherLayers, "layers");
        for (int t = 0; t < teacherLayers; t++)
        {
            Replace(ref ht, teacher.Layer(t, ht));
            if (studentOf.TryGetValue(t, out int j))
            {
                if (request.Method == RepairMethod.Rescale && scale != 1) edits.ScaleOutputs(j, scale);
                if (request.Method == RepairMethod.Linear && cuts.Any(c => c.Before == j))
                {
                    using var layer = LoadLayer(config, reader, j, device, dtype);
                    split = LayerParts.Split(layer, rotary, hs, j);
                    Replace(ref hs, split.Value.Y + split.Value.M);
                }
                else Replace(ref hs, student.Layer(j, hs));
            }
            if (cuts.FirstOrDefault(c => c.To == t) is { } cut)
            {
                var (repair, next) = request.Method == RepairMethod.Linear
                    ? FitLinear(cut, split, hs, ht, request.Ridge, edits)
                    : FitScale(cut, hs, ht, t == teacherLayers - 1, ref scale);
                result.Add(repair);
                Replace(ref hs, next);
                split?.Y.Dispose();
                split?.M.Dispose();
                split = null;
            }
            task.Advance(1);
        }
        ht.Dispose();
        hs.Dispose();
        return result;
    }

    // ReplaceMe's fit. Cut after student layer i, whose output is Y + M (Y: the stream after attention, M: the MLP output); the
    // teacher's state after the removed layers is L. The map T is applied to M alone, so that Y + M·T ≈ L:
    //   T = argmin ‖M·T − (L − Y)‖² (+ ridge, see LeastSquares).
    // M = z · W_downᵀ (z: the gated activation, W_down: (hidden, intermediate) as stored), so M·T = z · (Tᵀ · W_down)ᵀ, and the
    // repaired layer is the same layer with W_down ← Tᵀ · W_down: same key, same shape, no new parameter.
    private static (CutRepair, Tensor) FitLinear(Cut cut, (Tensor Y, Tensor M)? split, Tensor hs, Tensor ht, double ridge,
                                                 Dictionary<string, Func<Tensor, Tensor>> edits)
    {
        var removed = Enumerable.Range(cut.From, cut.To - cut.From + 1).ToArray();
        double before = Error(hs, ht);
        if (split is not { } s)
            return (new CutRepair(null, removed, before, before, null,
                "the cut starts at layer 0: no kept layer before it to fold a map into; left as pruned"), hs.clone());
        using var fit = new LeastSquares(hs.shape[^1], hs.device);
        using (var scope = NewDisposeScope()) fit.Add(s.M, ht - s.Y);
        var map = fit.Solve(ridge).cpu().DetachFromDisposeScope(); // (hidden, hidden), float64, kept until the folder is written
        Tensor next;
        using (var scope = NewDisposeScope()) next = (s.Y + s.M.matmul(map.to(s.M.dtype).to(s.M.device))).MoveToOuterDisposeScope();
        edits[$"model.layers.{cut.Before}.mlp.down_proj.weight"] = w => map.t().matmul(w.to(ScalarType.Float64));
        return (new CutRepair(cut.Before, removed, before, Error(next, ht), null, null), next);
    }

    // Prune&Comp's compensation. The pruned stream h after the cut is smaller than the teacher's L; scaling it by
    // α = mean over tokens of ‖L‖ / ‖h‖ restores the magnitude. Every later layer reads the stream through an RMSNorm, which
    // ignores a positive scale, so feeding α·h is the same as keeping h and multiplying every later layer's o_proj and down_proj
    // (weight and bias) by 1/α: the final norm removes the remaining factor. Nothing else changes, and a tied embedding stays tied.
    private static (CutRepair, Tensor) FitScale(Cut cut, Tensor hs, Tensor ht, bool atEnd, ref double scale)
    {
        var removed = Enumerable.Range(cut.From, cut.To - cut.From + 1).ToArray();
        double before = Error(hs, ht);
        double alpha;
        using (var scope = NewDisposeScope())
        {
            var ratio = ht.to(ScalarType.Float64).norm(-1) / hs.to(ScalarType.Float64).norm(-1).clamp_min(1e-30); // (S, T)
            alpha = ratio.mean().item<double>();
        }
        var next = hs * alpha;
        scale /= alpha;
        string? note = atEnd ? "the cut ends the model: the final RMSNorm ignores a scale, so rescaling changes nothing here" : null;
        return (new CutRepair(cut.Before, removed, before, Error(next, ht), alpha, note), next);
    }

    private static void ScaleOutputs(this Dictionary<string, Func<Tensor, Tensor>> edits, int layer, double scale)
    {
        foreach (string key in new[] { "self_attn.o_proj.weight", "self_attn.o_proj.bias", "mlp.down_proj.weight", "mlp.down_proj.bias" })
            edits[$"model.layers.{layer}.{key}"] = w => w.to(ScalarType.Float64) * scale;
    }

    // ‖a − b‖ / ‖b‖ over the whole batch, in float64.
    private static double Error(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var b64 = b.to(ScalarType.Float64);
        return ((a.to(ScalarType.Float64) - b64).norm() / b64.norm()).item<double>();
    }

    private static DecoderLayer LoadLayer(LlamaConfig config, CheckpointReader reader, int index, Device device, ScalarType dtype)
    {
        var layer = ModelFactory.CreateLayer(config, index, device, dtype);
        HfModelFolder.LoadInto(layer, reader, name => $"model.layers.{index}.{name}");
        return layer;
    }

    private static void Replace(ref Tensor current, Tensor next)
    {
        current.Dispose();
        current = next;
    }
}
