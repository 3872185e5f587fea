using ModelCompress.Core.Model;
using ModelCompress.Core.Scoring;

namespace ModelCompress.Core.Pruning;

/// <summary>How the values of a removal are named in errors: the CLI's flags, or a pipeline stage's fields.</summary>
public sealed record RemovalNames(string Layers, string Remove, string Sources, string Prefix, string BlockSize)
{
    public static readonly RemovalNames Cli = new("--layers", "--remove", "--metric or --scores", "", "score with --block-size");

    public static RemovalNames Stage(string id) =>
        new($"stage {id}: layers", $"stage {id}: remove", "metric or scores", $"stage {id}: ", "score with block_size:");
}

/// <summary>Which layers a prune removes, and how they were chosen.</summary>
public sealed record LayerChoice(int[] Removed, string Method, LayerScores? Scores);

/// <summary>The one rule for choosing the layers to remove, used by <c>dotnet compress prune</c> and by prune stages.</summary>
public static class LayerSelection
{
    /// <summary>
    /// An explicit list (<paramref name="layers"/>), or the first <paramref name="remove"/> layers of a removal order, from the
    /// scores <paramref name="score"/> gives for that count (scored on demand, or read from a file).
    /// </summary>
    public static LayerChoice Choose(LayerList? layers, RemovalCount? remove, int layerCount, Func<int, LayerScores> score,
                                     RemovalNames names)
    {
        if (layers is not null)
        {
            if (remove is not null)
                throw new InvalidInputException($"{names.Layers} already says which layers to remove; drop {names.Remove}.");
            return new LayerChoice(layers.Of(layerCount, names.Layers), "explicit", null);
        }
        if (remove is null) throw new InvalidInputException($"{names.Remove} is required with {names.Sources} (e.g. 25%).");
        int k = remove.Of(layerCount, names.Remove);
        var scores = score(k);
        if (scores.RemovalOrder.Count < k)
        {
            string hint = ScoringMetrics.Parse(scores.Metric).ScoresBlocks() ? $"; {names.BlockSize} {k}." : ".";
            throw new InvalidInputException($"{names.Prefix}the {scores.Metric} scores rank only {scores.RemovalOrder.Count} layers " +
                                            $"for removal, fewer than {k}" + hint);
        }
        return new LayerChoice([.. scores.RemovalOrder.Take(k)], scores.Metric, scores);
    }
}
