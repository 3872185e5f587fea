using ModelCompress.Core.Data;
using static TorchSharp.torch;

namespace ModelCompress.Core.FineTuning;

/// <summary>The teacher's side of <c>loss: kd</c>: the distillation term of a micro-batch against the student's logits.</summary>
public interface ITeacher : IDisposable
{
    /// <summary>
    /// Summed T²·KL (<see cref="DistillationLoss"/>) over the label positions of <paramref name="examples"/>, given the student's
    /// logits (B, T, V) of them right-padded as <see cref="Batch.Collate"/> pads.
    /// </summary>
    Tensor SumKd(IReadOnlyList<TrainingExample> examples, Tensor studentLogits);

    /// <summary>Examples the teacher model ran on in this run (0 when a stored top-K file was reused).</summary>
    int TeacherPasses { get; }
}

/// <summary>
/// <c>teacher_cache: none</c>: the teacher runs beside the student on every micro-batch (eval mode, no gradient) and the loss
/// uses its full distribution. Owns the teacher model.
/// </summary>
public sealed class LiveTeacher(Model.LlamaForCausalLM teacher, double temperature) : ITeacher
{
    public int TeacherPasses { get; private set; }

    public Tensor SumKd(IReadOnlyList<TrainingExample> examples, Tensor studentLogits)
    {
        using var scope = NewDisposeScope();
        Tensor teacherRows;
        using (no_grad())
        {
            teacher.eval();
            var (ids, _) = Batch.Collate(examples, teacher.Model.Embedding.Weight.device);
            teacherRows = Batch.LabelRows(teacher.forward(ids), examples);                             // (N, V)
        }
        TeacherPasses += examples.Count;
        var student = Batch.LabelRows(studentLogits, examples);                                        // (N, V)
        return DistillationLoss.SumFull(student, teacherRows.to(student.device), temperature).MoveToOuterDisposeScope();
    }

    private bool disposed;

    public void Dispose()
    {
        if (!disposed) teacher.Dispose();
        disposed = true;
    }
}
