namespace ModelCompress.Core;

/// <summary>
/// Small files (indexes, memos, scores, trainer state) written to a temporary name and renamed into place, so a crash never
/// leaves half a file. The temporary name carries the process id, so two processes sharing a cache never write one temp file.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string text)
    {
        string temp = $"{path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
