using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using ModelCompress.Core.Model;

namespace ModelCompress.Core.Pruning;

/// <summary>
/// How many layers to remove, parsed: a count ("8") or a percentage of the model's layers ("25%", rounded half away from
/// zero; the paper removes 8 of 32 = 25%). Written back as that text, so it reads (and hashes) as the user wrote it.
/// </summary>
[JsonConverter(typeof(RemovalCountConverter))]
public sealed record RemovalCount(int? Count, double? Percent)
{
    /// <summary>Parses a count or percentage; errors name the value as <paramref name="what"/> (a CLI flag or a pipeline field).</summary>
    public static RemovalCount Parse(string text, string what)
    {
        text = text.Trim();
        if (text.EndsWith('%'))
        {
            bool number = double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double percent);
            if (!number || percent <= 0 || percent >= 100)
                throw new InvalidInputException($"{what} '{text}': a percentage must be between 0% and 100% (exclusive).");
            return new RemovalCount(null, percent);
        }
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int count))
            throw new InvalidInputException($"{what} '{text}': expected a layer count such as 8 or a percentage such as 25%.");
        return new RemovalCount(count, null);
    }

    /// <summary>The number of layers this removes from a model with <paramref name="layers"/>; at least one must stay.</summary>
    public int Of(int layers, string what) => LayerList.CheckCount(
        Percent is double p ? (int)Math.Round(layers * p / 100, MidpointRounding.AwayFromZero) : Count!.Value, layers, ToString(), what);

    public override string ToString() => Percent is double p ? p.ToString(CultureInfo.InvariantCulture) + "%"
        : Count!.Value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Exactly which layers to remove, parsed: "24-31,5" is layers 5 and 24..31 (0-based, as in the checkpoint's keys).</summary>
[JsonConverter(typeof(LayerListConverter))]
public sealed record LayerList(string Text, IReadOnlyList<(int From, int To)> Ranges)
{
    public static LayerList Parse(string text, string what)
    {
        var ranges = new List<(int, int)>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string[] ends = part.Split('-', StringSplitOptions.TrimEntries);
            if (ends.Length is < 1 or > 2 || !ends.All(e => int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                throw new InvalidInputException($"{what} '{text}': '{part}' is not a layer index or a range such as 24-31.");
            int from = int.Parse(ends[0], CultureInfo.InvariantCulture), to = int.Parse(ends[^1], CultureInfo.InvariantCulture);
            if (from > to) throw new InvalidInputException($"{what} '{text}': range '{part}' runs backwards.");
            ranges.Add((from, to));
        }
        return new LayerList(text, ranges);
    }

    /// <summary>The layers, sorted, checked against a model with <paramref name="layers"/>; at least one must stay.</summary>
    public int[] Of(int layers, string what)
    {
        var result = new SortedSet<int>();
        foreach (var (from, to) in Ranges)
        {
            for (int i = from; i <= to; i++)
            {
                if (i >= layers)
                    throw new InvalidInputException($"{what} '{Text}': layer {i} is out of range; the model has layers 0..{layers - 1}.");
                result.Add(i);
            }
        }
        CheckCount(result.Count, layers, Text, what);
        return [.. result];
    }

    public override string ToString() => Text;

    internal static int CheckCount(int count, int layers, string text, string what)
    {
        if (count <= 0) throw new InvalidInputException($"{what} '{text}' removes no layers; remove at least one.");
        if (count >= layers)
            throw new InvalidInputException($"{what} '{text}' removes {count} of {layers} layers; at least one layer must remain.");
        return count;
    }
}

internal sealed class RemovalCountConverter : JsonConverter<RemovalCount>
{
    public override RemovalCount Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        RemovalCount.Parse(reader.GetString() ?? "", "remove");

    public override void Write(Utf8JsonWriter writer, RemovalCount value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}

internal sealed class LayerListConverter : JsonConverter<LayerList>
{
    public override LayerList Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        LayerList.Parse(reader.GetString() ?? "", "layers");

    public override void Write(Utf8JsonWriter writer, LayerList value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Text);
}
