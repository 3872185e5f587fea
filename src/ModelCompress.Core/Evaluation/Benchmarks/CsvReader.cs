using System.Text;

namespace ModelCompress.Core.Evaluation.Benchmarks;

/// <summary>RFC 4180 CSV: comma-separated, double-quoted fields may hold commas, quotes ("") and newlines.</summary>
public static class CsvReader
{
    /// <summary>One record and the 1-based line it starts on.</summary>
    public readonly record struct Record(int Line, IReadOnlyList<string> Fields);

    public static IEnumerable<Record> Read(string path)
    {
        if (!File.Exists(path)) throw EvaluationDataException.MissingFile(path, "CSV benchmark file");
        string text = InputText.Read(path, "CSV benchmark file");
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, start = 1, i = 0;
        bool quoted = false, any = false;
        while (i < text.Length)
        {
            char c = text[i++];
            if (quoted)
            {
                if (c == '"' && i < text.Length && text[i] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else { if (c == '\n') line++; field.Append(c); }
                continue;
            }
            switch (c)
            {
                case '"': quoted = true; any = true; break;
                case ',': fields.Add(field.ToString()); field.Clear(); any = true; break;
                case '\r': break;
                case '\n':
                    if (any || field.Length > 0) { fields.Add(field.ToString()); yield return new Record(start, fields.ToArray()); }
                    fields.Clear(); field.Clear(); any = false; start = ++line;
                    break;
                default: field.Append(c); any = true; break;
            }
        }
        if (quoted) throw EvaluationDataException.Malformed(path, start, "unterminated quoted field");
        if (any || field.Length > 0) { fields.Add(field.ToString()); yield return new Record(start, fields.ToArray()); }
    }
}
