using System.Security.Cryptography;
using Azure.Storage.Blobs.Models;
using ModelCompress.Core.Config;
using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Storage;

namespace ModelCompress.Integration.Tests.Storage;

/// <summary>Pulling a model folder from a real Azurite blob service into the ETag-keyed cache.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobPullTests(Azurite azurite) : IDisposable
{
    private readonly TempFolder temp = new("mc-pull-");

    [Fact]
    public async Task Pull_ReproducesFolderByteForByte_SecondPullDownloadsNothing_ChangedBlobDownloadsOnlyItself()
    {
        string source = ModelFolders.Create(Path.Combine(temp, "source"));
        var location = azurite.NewContainer("models/tiny");
        ModelFolders.Upload(azurite, source, location);
        var cache = new BlobModelCache(Path.Combine(temp, "cache"), azurite.Clients);

        var first = await cache.PullAsync(location);
        ModelFolders.AssertSameFiles(source, first.Folder);
        Assert.Equal((4, 4), (first.Files, first.FilesDownloaded));

        var second = await cache.PullAsync(location);
        Assert.Equal((first.Folder, 0, 0L), (second.Folder, second.FilesDownloaded, second.BytesDownloaded));

        File.WriteAllText(Path.Combine(source, "tokenizer.json"), "{\"changed\": true}");
        await azurite.Container(location).GetBlobClient(location.BlobName("tokenizer.json")).UploadAsync(Path.Combine(source, "tokenizer.json"), overwrite: true);
        var third = await cache.PullAsync(location);
        ModelFolders.AssertSameFiles(source, third.Folder);
        Assert.Equal((1, new FileInfo(Path.Combine(source, "tokenizer.json")).Length), (third.FilesDownloaded, third.BytesDownloaded));
    }

    [Fact]
    public async Task Pull_Interrupted_ResumesFromThePartialFile()
    {
        string source = ModelFolders.Create(Path.Combine(temp, "source"), weightBytes: 1_000_000);
        var location = azurite.NewContainer("m");
        ModelFolders.Upload(azurite, source, location);
        var cache = new BlobModelCache(Path.Combine(temp, "cache"), azurite.Clients) { ChunkBytes = 64 * 1024, Parallelism = 1 };

        using var cancel = new CancellationTokenSource();
        var interrupting = new CancelAfterBytes(400_000, cancel);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cache.PullAsync(location, interrupting, cancel.Token));
        var partial = Directory.EnumerateFiles(temp, "model.safetensors.partial", SearchOption.AllDirectories).Single();
        long kept = new FileInfo(partial).Length;
        Assert.InRange(kept, 64 * 1024, 1_000_000 - 1);

        var resumed = await cache.PullAsync(location);
        ModelFolders.AssertSameFiles(source, resumed.Folder);
        // Files finish in name order: config.json and extra/notes.txt were done; the rest of the weights and tokenizer.json remain.
        Assert.Equal(1_000_000 - kept + new FileInfo(Path.Combine(source, "tokenizer.json")).Length, resumed.BytesDownloaded);
        Assert.False(File.Exists(partial));
    }

    [Fact]
    public async Task Pull_BlobNotMatchingItsContentMd5_IsRefused_AndNothingIsCached()
    {
        string source = ModelFolders.Create(Path.Combine(temp, "source"));
        var location = azurite.NewContainer("m");
        ModelFolders.Upload(azurite, source, location);
        var weights = azurite.Container(location).GetBlobClient(location.BlobName("model.safetensors"));
        await weights.SetHttpHeadersAsync(new BlobHttpHeaders { ContentHash = MD5.HashData("something else"u8.ToArray()) });
        var cache = new BlobModelCache(Path.Combine(temp, "cache"), azurite.Clients);

        var error = await Assert.ThrowsAsync<StorageException>(() => cache.PullAsync(location));
        Assert.Contains("'model.safetensors' is corrupted: Content-MD5", error.Message);
        Assert.False(File.Exists(Path.Combine(cache.FolderOf(location), "model.safetensors")));
        Assert.Empty(Directory.EnumerateFiles(temp, "model.safetensors.partial", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Pull_BlobWithoutAnyHash_IsKeptWithAWarningNamingIt()
    {
        string source = ModelFolders.Create(Path.Combine(temp, "source"));
        var location = azurite.NewContainer("m");
        ModelFolders.Upload(azurite, source, location);
        // Setting the headers without a hash clears the Content-MD5 the upload recorded (as a block upload of a large file has none).
        await azurite.Container(location).GetBlobClient(location.BlobName("model.safetensors")).SetHttpHeadersAsync(new BlobHttpHeaders());
        var messages = new MessageLog();

        var pulled = await new BlobModelCache(Path.Combine(temp, "cache"), azurite.Clients).PullAsync(location, messages);

        ModelFolders.AssertSameFiles(source, pulled.Folder);
        var warning = Assert.Single(messages.Lines);
        Assert.Equal($"warning: blob '{location.BlobName("model.safetensors")}' has no Content-MD5 and no sha256 metadata, so it was not verified " +
                     "(upload with 'azcopy copy --put-md5', or publish with dotnet compress, which sets both).", warning);
    }

    private sealed class MessageLog : IProgressSink
    {
        public List<string> Lines { get; } = [];
        public IProgressTask Start(string name, long total, string unit) => NullProgress.Instance;
        public void Message(string text) { lock (Lines) Lines.Add(text); }
    }

    [Fact]
    public async Task Pull_BlobNotMatchingItsSha256Metadata_IsRefused()
    {
        string source = ModelFolders.Create(Path.Combine(temp, "source"));
        var location = azurite.NewContainer("m");
        var blob = azurite.Container(location).GetBlobClient(location.BlobName("config.json"));
        await blob.UploadAsync(Path.Combine(source, "config.json"), new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["sha256"] = new string('0', 64) } });
        var cache = new BlobModelCache(Path.Combine(temp, "cache"), azurite.Clients);

        var error = await Assert.ThrowsAsync<StorageException>(() => cache.PullAsync(location));
        Assert.Contains("'config.json' is corrupted: sha256 expected 0000", error.Message);
    }

    [Fact]
    public async Task Pull_EmptyPrefix_SaysSo()
    {
        var location = azurite.NewContainer("nothing/here");
        var error = await Assert.ThrowsAsync<StorageException>(() => new BlobModelCache(Path.Combine(temp, "cache"), azurite.Clients).PullAsync(location));
        Assert.Contains("no blobs under this prefix", error.Message);
    }

    [Fact]
    public void Pipeline_ModelSourceBlobUrl_IsPulledIntoTheAssetCache()
    {
        string source = ModelFolders.Create(Path.Combine(temp, "source"));
        var location = azurite.NewContainer("base");
        ModelFolders.Upload(azurite, source, location);
        string yaml = Path.Combine(temp, "pruning.yaml");
        File.WriteAllText(yaml, $"name: blob-source\nmodel: {{ source: '{location}' }}\nstages: []\n");
        var config = PipelineConfigLoader.Load(yaml, []);
        // The emulator's credentials come through the run options, not the process environment.
        var options = new RunOptions(Path.Combine(temp, "runs"), AssetCache: Path.Combine(temp, "assets")) { Environment = Azurite.EmulatorEnvironment };
        var model = StageWalk.ForRun(new RunContext(config, options)).Base;
        Assert.StartsWith(Path.Combine(temp, "assets", "blobs"), model.Path);
        ModelFolders.AssertSameFiles(source, model.Path);
    }

    public void Dispose() => temp.Dispose();

    /// <summary>Cancels the pull once this many bytes have been reported: a real interruption between ranged requests.</summary>
    private sealed class CancelAfterBytes(long limit, CancellationTokenSource cancel) : IProgressSink, IProgressTask
    {
        private long seen;
        public IProgressTask Start(string name, long total, string unit) => this;
        public void Message(string text) { }
        public void Advance(long steps, string? status = null)
        {
            if ((seen += steps) >= limit) cancel.Cancel();
        }
        public void Dispose() { }
    }
}
