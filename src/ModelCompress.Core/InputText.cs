using System.Text;

namespace ModelCompress.Core;

/// <summary>
/// Text files the user supplies (corpora, task files, training data): strict UTF-8, so a file in another encoding is
/// refused with the offset of its first bad byte instead of being read as replacement characters.
/// </summary>
public static class InputText
{
    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file's text; <paramref name="what"/> names the file's role in errors ("calibration text").</summary>
    public static string Read(string path, string what)
    {
        if (!File.Exists(path)) throw new InvalidInputException($"{path}: {what} not found.");
        byte[] bytes = File.ReadAllBytes(path);
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException e) { throw NotUtf8(path, what, e); }
    }

    /// <summary>As <see cref="Read"/>, and refuses a file that is empty or only whitespace.</summary>
    public static string ReadNonEmpty(string path, string what)
    {
        string text = Read(path, what);
        return string.IsNullOrWhiteSpace(text)
            ? throw new InvalidInputException($"{path}: the {what} is empty. Give a file with text in it.")
            : text;
    }

    /// <summary>The file's lines, decoded strictly (for line-by-line readers of large files).</summary>
    public static IEnumerable<string> Lines(string path, string what)
    {
        using var reader = new StreamReader(path, StrictUtf8, detectEncodingFromByteOrderMarks: false);
        while (true)
        {
            string? line;
            try { line = reader.ReadLine(); }
            catch (DecoderFallbackException e) { throw NotUtf8(path, what, e); }
            if (line is null) yield break;
            yield return line;
        }
    }

    private static InvalidInputException NotUtf8(string path, string what, DecoderFallbackException e) =>
        new($"{path}: the {what} is not UTF-8 text" + (e.Index >= 0 ? $" (invalid byte near offset {e.Index})" : "") +
            ". Save it as UTF-8.");
}
