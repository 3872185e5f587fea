using System.Security.Cryptography;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

namespace ModelCompress.Core.Data;

/// <summary>Where calibration samples came from, recorded in scores.json for reproducibility.</summary>
public sealed record CalibrationInfo(string File, string Sha256, int Samples, int SeqLen, long Seed);

/// <summary>
/// Calibration text for data-driven metrics: the file is tokenized whole (no BOS, as the paper's code takes windows from
/// inside tokenized text), cut into non-overlapping windows of <c>SeqLen</c> tokens, and <c>Samples</c> windows are
/// drawn with the seed (paper: 10 samples × 128 tokens).
/// </summary>
public sealed class CalibrationSet
{
    private CalibrationSet(CalibrationInfo info, long[][] windows) => (Info, Windows) = (info, windows);

    public CalibrationInfo Info { get; }

    /// <summary>The token windows, each exactly SeqLen ids.</summary>
    public IReadOnlyList<long[]> Windows { get; }

    public static CalibrationSet Load(string file, ITokenizer tokenizer, int samples, int seqLen, long seed)
    {
        if (samples < 1) throw new InvalidInputException($"--samples must be at least 1 (got {samples}).");
        if (seqLen < 2) throw new InvalidInputException($"--seq-len must be at least 2 (got {seqLen}).");
        string text = InputText.ReadNonEmpty(file, "calibration text");
        byte[] bytes = File.ReadAllBytes(file);
        var ids = tokenizer.Encode(text);
        int available = ids.Count / seqLen;
        if (available < samples)
            throw new InvalidInputException(
                $"{file}: calibration text has {ids.Count} tokens, fewer than samples × seq-len = " +
                $"{samples} × {seqLen} = {samples * seqLen}. " +
                "Use a longer text or fewer/shorter samples.");
        var order = Enumerable.Range(0, available).ToArray();
        new Random((int)seed).Shuffle(order);
        var windows = order.Take(samples).Order()
            .Select(w => Enumerable.Range(w * seqLen, seqLen).Select(i => (long)ids[i]).ToArray()).ToArray();
        var info = new CalibrationInfo(Path.GetFullPath(file), Convert.ToHexStringLower(SHA256.HashData(bytes)), samples, seqLen, seed);
        return new CalibrationSet(info, windows);
    }

    /// <summary>Windows [start, start+count) as an int64 batch (count, SeqLen) on <paramref name="device"/>.</summary>
    public Tensor Batch(int start, int count, Device device)
    {
        var flat = Windows.Skip(start).Take(count).SelectMany(w => w).ToArray();
        return tensor(flat, device: device).view(count, Info.SeqLen);
    }
}
