using ModelCompress.Core.Config;

namespace ModelCompress.Core.Pipeline.Stages;

/// <summary>
/// One stage type: how pruning.yaml spells it, and what it does to the model flowing through a <see cref="StageWalk"/> — its cache
/// key, its run (artifact in, artifact out, what it adds to the ledger) and its plan row, in one method so run and plan agree.
/// </summary>
public interface IStageType
{
    StageSyntax Syntax { get; }

    void Apply(StageConfig stage, StageWalk walk);
}

/// <summary>A stage type whose configuration is the record <typeparamref name="T"/>.</summary>
public abstract class StageType<T> : IStageType where T : StageConfig
{
    public abstract StageSyntax Syntax { get; }

    public void Apply(StageConfig stage, StageWalk walk) => Apply((T)stage, walk);

    protected abstract void Apply(T stage, StageWalk walk);

    /// <summary>The syntax of this type: its YAML name and fields, read into <typeparamref name="T"/>.</summary>
    protected static StageSyntax Spell(string type, string description, params FieldSpec[] fields) =>
        new(type, new ObjectSpec(type, description, fields), typeof(T));
}
