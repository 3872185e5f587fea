namespace ModelCompress.Core.FineTuning;

/// <summary>
/// One optimizer step of the loss curve: learning rate used, mean training loss per label token, validation loss when measured.
/// </summary>
public sealed record LossPoint(int Step, double LearningRate, double TrainLoss, double? ValidationLoss);

/// <summary>
/// What a training run did. <see cref="BestStep"/> is the step whose weights the model holds at the end (the best
/// validation loss; the last step without validation). Tokens per second count non-padding input tokens of training steps.
/// <see cref="TeacherPasses"/>: examples the distillation teacher ran on (0 without kd, or when a top-K file was reused).
/// </summary>
public sealed record FineTuneResult(
    long TrainableParameters, int Steps, int TotalSteps, IReadOnlyList<LossPoint> LossCurve, int BestStep, double? BestValidationLoss,
    double TokensPerSecond, double Seconds, int ResumedFromStep, int PrefixPasses, int TeacherPasses = 0);
