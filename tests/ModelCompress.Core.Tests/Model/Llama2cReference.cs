namespace ModelCompress.Core.Tests.Model;

/// <summary>
/// An independent forward pass over the raw llama2.c checkpoint arrays, written like llama2.c's run.c
/// (adjacent-pair rotary, per-head attention loops) in double precision. The reference the converted model must match.
/// </summary>
public sealed class Llama2cReference
{
    private readonly int dim, hidden, layers, heads, kvHeads, vocab, headSize, kvDim;
    private readonly float[] emb, attNorm, wq, wk, wv, wo, ffnNorm, w1, w2, w3, finalNorm, cls;

    public Llama2cReference(string path)
    {
        using var r = new BinaryReader(File.OpenRead(path));
        var h = Enumerable.Range(0, 7).Select(_ => r.ReadInt32()).ToArray();
        (dim, hidden, layers, heads, kvHeads, vocab) = (h[0], h[1], h[2], h[3], h[4], Math.Abs(h[5]));
        int seqLen = h[6];
        headSize = dim / heads;
        kvDim = kvHeads * headSize;
        float[] Read(long n)
        {
            var values = new float[n];
            r.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            return values;
        }
        emb = Read((long)vocab * dim);
        attNorm = Read(layers * dim);
        wq = Read((long)layers * dim * dim);
        wk = Read((long)layers * kvDim * dim);
        wv = Read((long)layers * kvDim * dim);
        wo = Read((long)layers * dim * dim);
        ffnNorm = Read(layers * dim);
        w1 = Read((long)layers * hidden * dim);
        w2 = Read((long)layers * dim * hidden);
        w3 = Read((long)layers * hidden * dim);
        finalNorm = Read(dim);
        r.BaseStream.Seek(2L * seqLen * (headSize / 2) * 4, SeekOrigin.Current);
        cls = h[5] > 0 ? emb : Read((long)vocab * dim);
    }

    /// <summary>Logits [position][vocab] for every position of <paramref name="tokens"/>.</summary>
    public double[][] Forward(IReadOnlyList<int> tokens) => Run(tokens, null);

    /// <summary>Hidden states [l][position][dim]: the input of layer l for l &lt; L, and the last layer's output at l = L.</summary>
    public double[][][] HiddenStates(IReadOnlyList<int> tokens)
    {
        var states = Enumerable.Range(0, layers + 1).Select(_ => new double[tokens.Count][]).ToArray();
        Run(tokens, states);
        return states;
    }

    /// <summary>Sum over layer l's matrices and norm weights of |w|^p, straight from the llama2.c arrays.</summary>
    public double Magnitude(int l, int p)
    {
        double Sum(float[] w, long offset, long count)
        {
            double total = 0;
            for (long i = offset; i < offset + count; i++) total += Math.Pow(Math.Abs((double)w[i]), p);
            return total;
        }
        long dd = (long)dim * dim, kd = (long)kvDim * dim, hd = (long)hidden * dim;
        return Sum(attNorm, l * dim, dim) + Sum(ffnNorm, l * dim, dim) + Sum(wq, l * dd, dd) + Sum(wk, l * kd, kd) + Sum(wv, l * kd, kd)
               + Sum(wo, l * dd, dd) + Sum(w1, l * hd, hd) + Sum(w2, l * hd, hd) + Sum(w3, l * hd, hd);
    }

    private double[][] Run(IReadOnlyList<int> tokens, double[][][]? states)
    {
        var keyCache = new double[layers][][];
        var valueCache = new double[layers][][];
        for (int l = 0; l < layers; l++) { keyCache[l] = new double[tokens.Count][]; valueCache[l] = new double[tokens.Count][]; }
        var result = new double[tokens.Count][];
        for (int pos = 0; pos < tokens.Count; pos++)
        {
            var x = new double[dim];
            for (int i = 0; i < dim; i++) x[i] = emb[tokens[pos] * dim + i];
            for (int l = 0; l < layers; l++)
            {
                if (states is not null) states[l][pos] = (double[])x.Clone();
                var xb = RmsNorm(x, attNorm, l * dim);
                var q = MatVec(wq, (long)l * dim * dim, xb, dim);
                var k = MatVec(wk, (long)l * kvDim * dim, xb, kvDim);
                var v = MatVec(wv, (long)l * kvDim * dim, xb, kvDim);
                for (int i = 0; i < dim; i += 2)
                {
                    double freq = 1.0 / Math.Pow(10000.0, (double)(i % headSize) / headSize);
                    double c = Math.Cos(pos * freq), s = Math.Sin(pos * freq);
                    (q[i], q[i + 1]) = (q[i] * c - q[i + 1] * s, q[i] * s + q[i + 1] * c);
                    if (i < kvDim) (k[i], k[i + 1]) = (k[i] * c - k[i + 1] * s, k[i] * s + k[i + 1] * c);
                }
                keyCache[l][pos] = k;
                valueCache[l][pos] = v;
                var attended = new double[dim];
                for (int head = 0; head < heads; head++)
                {
                    int kvOffset = head / (heads / kvHeads) * headSize;
                    var scores = new double[pos + 1];
                    for (int t = 0; t <= pos; t++)
                    {
                        double dot = 0;
                        for (int i = 0; i < headSize; i++) dot += q[head * headSize + i] * keyCache[l][t][kvOffset + i];
                        scores[t] = dot / Math.Sqrt(headSize);
                    }
                    double max = scores.Max(), sum = scores.Sum(s => Math.Exp(s - max));
                    for (int t = 0; t <= pos; t++)
                    {
                        double a = Math.Exp(scores[t] - max) / sum;
                        for (int i = 0; i < headSize; i++) attended[head * headSize + i] += a * valueCache[l][t][kvOffset + i];
                    }
                }
                var o = MatVec(wo, (long)l * dim * dim, attended, dim);
                for (int i = 0; i < dim; i++) x[i] += o[i];
                xb = RmsNorm(x, ffnNorm, l * dim);
                var gate = MatVec(w1, (long)l * hidden * dim, xb, hidden);
                var up = MatVec(w3, (long)l * hidden * dim, xb, hidden);
                for (int i = 0; i < hidden; i++) gate[i] = gate[i] / (1 + Math.Exp(-gate[i])) * up[i];
                var down = MatVec(w2, (long)l * dim * hidden, gate, dim);
                for (int i = 0; i < dim; i++) x[i] += down[i];
            }
            if (states is not null) states[layers][pos] = (double[])x.Clone();
            result[pos] = states is null ? MatVec(cls, 0, RmsNorm(x, finalNorm, 0), vocab) : [];
        }
        return result;
    }

    private double[] RmsNorm(double[] x, float[] weight, int offset)
    {
        double ss = 0;
        foreach (double v in x) ss += v * v;
        double scale = 1.0 / Math.Sqrt(ss / x.Length + 1e-5);
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = weight[offset + i] * x[i] * scale;
        return y;
    }

    private static double[] MatVec(float[] w, long offset, double[] x, int rows)
    {
        var y = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double acc = 0;
            long row = offset + (long)r * x.Length;
            for (int c = 0; c < x.Length; c++) acc += w[row + c] * x[c];
            y[r] = acc;
        }
        return y;
    }
}
