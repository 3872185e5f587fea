namespace ModelCompress.Core.Pruning;

/// <summary>
/// Parses and checks, in one call, how many (<see cref="RemovalCount"/>) or which (<see cref="LayerList"/>) layers to remove.
/// </summary>
public static class RemovalSpec
{
    /// <summary>The number of layers "8" or "25%" removes from a model with <paramref name="layers"/> layers.</summary>
    public static int Count(string text, int layers, string what = "--remove") => RemovalCount.Parse(text, what).Of(layers, what);

    /// <summary>The layers "24-31,5" names, sorted, checked against a model with <paramref name="layers"/> layers.</summary>
    public static int[] Layers(string text, int layers, string what = "--layers") => LayerList.Parse(text, what).Of(layers, what);
}
