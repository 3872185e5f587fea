using System.Text.Json.Nodes;
using ModelCompress.Core.Pipeline;

namespace ModelCompress.Core.Tests.Pipeline;

/// <summary>The stage cache as several CI jobs share it on one runner: the first complete output of a key stays.</summary>
public sealed class StageCacheTests : IDisposable
{
    private const string Key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private readonly TempFolder temp = new("mc-stagecache-");

    [Fact]
    public void GetOrRun_AnotherJobFinishedTheSameStageMeanwhile_KeepsItsOutputAndDropsOurs()
    {
        var cache = new StageCache(temp["stages"]);
        var other = new StageCache(temp["stages"]);

        var (folder, cached) = cache.GetOrRun(Key, new JsonObject { ["id"] = "heal" }, staging =>
        {
            File.WriteAllText(Path.Combine(staging, "weights.txt"), "ours");
            other.GetOrRun(Key, new JsonObject { ["id"] = "heal" },
                theirs => File.WriteAllText(Path.Combine(theirs, "weights.txt"), "theirs"));
        });

        Assert.False(cached);
        Assert.Equal("theirs", File.ReadAllText(Path.Combine(folder, "weights.txt")));
        Assert.Equal([folder], Directory.GetDirectories(temp["stages"]));
    }

    [Fact]
    public void GetOrRun_SecondCallWithTheKey_IsCachedAndDoesNotProduce()
    {
        var cache = new StageCache(temp["stages"]);
        cache.GetOrRun(Key, new JsonObject(), staging => File.WriteAllText(Path.Combine(staging, "out.txt"), "1"));

        var (folder, cached) = cache.GetOrRun(Key, new JsonObject(), _ => throw new InvalidOperationException("produced again"));

        Assert.True(cached);
        Assert.Equal("1", File.ReadAllText(Path.Combine(folder, "out.txt")));
    }

    public void Dispose() => temp.Dispose();
}
