using System.Text.Json.Nodes;

namespace ModelCompress.Bench;

/// <summary>Placeholder, filled in below.</summary>
internal static class MicroBenchmark
{
    public static JsonObject Run(BenchOptions o) => throw new NotImplementedException();
}
