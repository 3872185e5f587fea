using System.Globalization;

namespace ModelCompress.Core.Pruning;

/// <summary>Parses how many or which layers to remove, and checks the result against the model's layer count.</summary>
public static class RemovalSpec
{
    /// <summary>"8" removes 8 layers; "25%" removes round(25% of L) layers (the paper removes 8 of 32 = 25%).</summary>
    public static int Count(string text, int layers)
    {
        text = text.Trim();
        int count;
        if (text.EndsWith('%'))
        {
            if (!double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double percent) || percent <= 0 || percent >= 100)
                throw new InvalidInputException($"--remove '{text}': a percentage must be between 0% and 100% (exclusive).");
            count = (int)Math.Round(layers * percent / 100, MidpointRounding.AwayFromZero);
        }
        else if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out count))
        {
            throw new InvalidInputException($"--remove '{text}': expected a layer count such as 8 or a percentage such as 25%.");
        }
        return CheckCount(count, layers, text);
    }

    /// <summary>"24-31,5" lists layers 5 and 24..31 (0-based, as in the checkpoint's keys).</summary>
    public static int[] Layers(string text, int layers)
    {
        var result = new SortedSet<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string[] ends = part.Split('-', StringSplitOptions.TrimEntries);
            if (ends.Length is < 1 or > 2 || !ends.All(e => int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                throw new InvalidInputException($"--layers '{text}': '{part}' is not a layer index or a range such as 24-31.");
            int from = int.Parse(ends[0], CultureInfo.InvariantCulture), to = int.Parse(ends[^1], CultureInfo.InvariantCulture);
            if (from > to) throw new InvalidInputException($"--layers '{text}': range '{part}' runs backwards.");
            for (int i = from; i <= to; i++)
            {
                if (i >= layers) throw new InvalidInputException($"--layers '{text}': layer {i} is out of range; the model has layers 0..{layers - 1}.");
                result.Add(i);
            }
        }
        CheckCount(result.Count, layers, text);
        return [.. result];
    }

    private static int CheckCount(int count, int layers, string text)
    {
        if (count <= 0) throw new InvalidInputException($"'{text}' removes no layers; remove at least one.");
        if (count >= layers) throw new InvalidInputException($"'{text}' removes {count} of {layers} layers; at least one layer must remain.");
        return count;
    }
}
