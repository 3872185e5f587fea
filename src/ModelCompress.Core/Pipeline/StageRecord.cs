namespace ModelCompress.Core.Pipeline;

/// <summary>
/// What one stage did: its cache key, whether it was reused, wall time and peak memory (0 when cached). Its output folder is a
/// path in the machine's stage cache: the manifest leaves it out (the key names it).
/// </summary>
public sealed record StageRecord(string Id, string Type, string Key, bool Cached, double Seconds, long PeakRssBytes,
    [property: System.Text.Json.Serialization.JsonIgnore] string Output);

/// <summary>The model flowing between stages: its folder and the key that identifies how it was made.</summary>
public sealed record ModelArtifact(string Folder, string Key);
