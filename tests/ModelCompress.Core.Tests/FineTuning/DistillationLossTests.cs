using ModelCompress.Core.Data;
using ModelCompress.Core.FineTuning;
using static TorchSharp.torch;

namespace ModelCompress.Core.Tests.FineTuning;

/// <summary>The KD term against the formula written out in doubles, on hand-made logits (V = 4, two positions, T = 2).</summary>
public sealed class DistillationLossTests
{
    private static readonly double[][] Student = [[1.0, 2.0, 0.5, -1.0], [0.0, 0.0, 3.0, 1.0]];
    private static readonly double[][] Teacher = [[2.0, 1.0, 0.0, 0.0], [1.0, -1.0, 2.0, 0.5]];
    private const double T = 2.0;

    private static double[] Softmax(double[] logits, double t)
    {
        var e = logits.Select(x => Math.Exp(x / t)).ToArray();
        return [.. e.Select(x => x / e.Sum())];
    }

    private static Tensor Rows(double[][] rows) => tensor(rows.SelectMany(r => r.Select(x => (float)x)).ToArray(), [rows.Length, 4]);

    // T² · Σ rows KL(p‖q) over the teacher's top `k` tokens plus one bucket for the rest (k = 4: the full KL).
    private static double Expected(int k)
    {
        double sum = 0;
        for (int r = 0; r < Student.Length; r++)
        {
            double[] p = Softmax(Teacher[r], T), q = Softmax(Student[r], T);
            var top = Enumerable.Range(0, 4).OrderByDescending(v => p[v]).Take(k).ToArray();
            foreach (int v in top) sum += p[v] * Math.Log(p[v] / q[v]);
            double pRest = 1 - top.Sum(v => p[v]), qRest = 1 - top.Sum(v => q[v]);
            if (k < 4) sum += pRest * Math.Log(pRest / qRest);
        }
        return T * T * sum;
    }

    [Fact]
    public void SumFull_EqualsForwardKlTimesTSquared()
    {
        using var loss = DistillationLoss.SumFull(Rows(Student), Rows(Teacher), T);
        Assert.Equal(Expected(4), loss.item<float>(), 1e-6);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void SumTopK_EqualsKlOverTopKPlusTailBucket(int k)
    {
        var (indices, logP, tail) = DistillationLoss.TeacherTopK(Rows(Teacher), k, T);
        using var loss = DistillationLoss.SumTopK(Rows(Student), indices, logP, tail, T);
        Assert.Equal(Expected(k), loss.item<float>(), 1e-6);
        Assert.True(Expected(k) <= Expected(4) + 1e-12); // coarsening never adds divergence
    }

    [Fact]
    public void SumTopK_WithTheWholeVocabulary_HasFiniteZeroTailGradient()
    {
        var student = Rows(Student).requires_grad_();
        var (indices, logP, tail) = DistillationLoss.TeacherTopK(Rows(Teacher), 4, T);
        Assert.All(tail.exp().data<float>().ToArray(), m => Assert.Equal(0f, m));
        using var loss = DistillationLoss.SumTopK(student, indices, logP, tail, T);
        loss.backward();
        Assert.All(student.grad!.data<float>().ToArray(), g => Assert.True(float.IsFinite(g)));
    }

    [Fact]
    public void LabelRows_TakeOnlyTheResponsePositionsCrossEntropyTrains()
    {
        // Example 0: 5 tokens, prompt 3 -> positions 2, 3; example 1: 3 tokens, no prompt -> positions 0, 1 (row 1 of a T = 5 batch).
        TrainingExample[] examples = [new([1, 5, 6, 7, 8], 3), new([1, 9, 10], 0)];
        Assert.Equal([2L, 3L, 5L, 6L], Batch.LabelPositions(examples));
        var (_, targets) = Batch.Collate(examples, CPU);
        var labelled = targets.reshape(-1).data<long>().Select((t, i) => (t, i)).Where(p => p.t != Batch.Ignore).Select(p => (long)p.i);
        Assert.Equal(labelled, Batch.LabelPositions(examples));
    }
}
