using ModelCompress.Core.Config;

namespace ModelCompress.Core.Pipeline.Stages;

/// <summary>Every stage type, in the order the reference lists them. A new stage type is one file and one line here.</summary>
public static class StageTypes
{
    public static readonly IReadOnlyList<IStageType> All =
    [
        new ScoreStageType(),
        new PruneStageType(),
        new RepairStageType(),
        new FinetuneStageType(),
        new EvaluateStageType(),
    ];

    /// <summary>How pruning.yaml spells each stage type.</summary>
    public static readonly IReadOnlyList<StageSyntax> Syntax = [.. All.Select(t => t.Syntax)];

    /// <summary>The type that runs a stage record.</summary>
    public static IStageType Of(StageConfig stage) => All.Single(t => t.Syntax.Record == stage.GetType());
}
