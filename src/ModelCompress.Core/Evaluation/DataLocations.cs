
namespace ModelCompress.Core.Evaluation;

/// <summary>
/// Where benchmark data lives: <c>$MODELCOMPRESS_DATA/eval</c> (else <c>../shared/data/eval</c>), and named perplexity corpora.
/// <c>wikitext</c> is the harness's document-level task; <c>wikitext_fixed</c> (and its older name <c>wikitext2</c>, kept so
/// configs and gates that use it go on working) is the same file over fixed windows.
/// </summary>
public static class DataLocations
{
    /// <summary>Perplexity corpora by name, relative to the shared data folder's <c>text/</c> (the parent of the eval folder).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Corpora = new Dictionary<string, string[]>
    {
        ["wikitext"] = ["wikitext-2-raw", "wiki.test.raw"],
        ["wikitext_fixed"] = ["wikitext-2-raw", "wiki.test.raw"],
        ["wikitext2"] = ["wikitext-2-raw", "wiki.test.raw"],
        ["ptb"] = ["ptb", "ptb.test.txt"],
    };

    public static string DefaultEvalDir() => Path.GetFullPath(Path.Combine(
        Environment.GetEnvironmentVariable("MODELCOMPRESS_DATA") is { Length: > 0 } root ? root : Path.Combine("..", "shared", "data"),
        "eval"));

    /// <summary>
    /// A corpus name (wikitext, wikitext_fixed, wikitext2, ptb) or a text file path (relative to <paramref name="baseDirectory"/>).
    /// </summary>
    public static string ResolveCorpus(string name, string evalDir, string baseDirectory)
    {
        if (Corpora.TryGetValue(name, out var parts)) return Path.GetFullPath(Path.Combine([evalDir, "..", "text", .. parts]));
        string path = Path.GetFullPath(name, baseDirectory);
        return File.Exists(path) ? path
            : throw new InvalidInputException(
                $"perplexity '{name}': not a known corpus ({string.Join(", ", Corpora.Keys)}) nor an existing file.");
    }

    /// <summary>The name a corpus's results are keyed by: the corpus name, or a file's name without extension.</summary>
    public static string CorpusName(string name) => Corpora.ContainsKey(name) ? name : Path.GetFileNameWithoutExtension(name);
}
