namespace ModelCompress.Core.Pipeline;

/// <summary>What one stage did: its cache key, whether it was reused, wall time and peak memory (0 when cached).</summary>
public sealed record StageRecord(string Id, string Type, string Key, bool Cached, double Seconds, long PeakRssBytes, string Output);

/// <summary>The model flowing between stages: its folder and the key that identifies how it was made.</summary>
public sealed record ModelArtifact(string Folder, string Key);
