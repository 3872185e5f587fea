using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ModelCompress.Core.Progress;

namespace ModelCompress.Core.Storage;

/// <summary>What a pull did: the local folder, and how many files and bytes actually came over the network.</summary>
public sealed record PullResult(string Folder, int Files, int FilesDownloaded, long BytesDownloaded);

/// <summary>
/// Mirrors a blob prefix (a model folder) into a local cache: <c>ROOT/ACCOUNT/CONTAINER/HASH/model/</c>, with <c>index.json</c>
/// recording each file's blob ETag, so a second pull downloads nothing. Files download in parallel, each in ranged chunks
/// appended to <c>partial/NAME.partial</c> (the ETag it belongs to beside it), so an interrupted pull resumes where it stopped.
/// A finished file is checked against the blob's Content-MD5 and/or a <c>sha256</c> metadata value before it is renamed into place;
/// a mismatch discards it and fails the pull; a blob with neither is downloaded with a warning (large block uploads often
/// carry no Content-MD5).
/// </summary>
public sealed class BlobModelCache(string cacheRoot, BlobClients? clients = null)
{
    private readonly BlobClients clients = clients ?? new BlobClients();

    /// <summary>Bytes per ranged request (default 8 MiB).</summary>
    public int ChunkBytes { get; init; } = 8 << 20;

    /// <summary>Files downloaded at once (default 4).</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>The local folder a location is cached in (it may not exist yet).</summary>
    public string FolderOf(BlobLocation location) => Path.Combine(EntryOf(location), "model");

    public async Task<PullResult> PullAsync(BlobLocation location, IProgressSink? progress = null, CancellationToken cancellation = default)
    {
        progress ??= NullProgress.Instance;
        var container = clients.Container(location);
        string entry = EntryOf(location), folder = Path.Combine(entry, "model"), partials = Path.Combine(entry, "partial");
        Directory.CreateDirectory(folder);
        Directory.CreateDirectory(partials);
        try
        {
            var blobs = new List<BlobItem>();
            var listing = new GetBlobsOptions { Traits = BlobTraits.Metadata, Prefix = location.ListPrefix };
            await foreach (var item in container.GetBlobsAsync(listing, cancellation))
                if (!item.Name.EndsWith('/')) blobs.Add(item);
            if (blobs.Count == 0) throw StorageException.Empty(location);

            string indexFile = Path.Combine(entry, "index.json");
            var index = File.Exists(indexFile)
                ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(indexFile)) ?? []
                : [];
            var wanted = blobs.ToDictionary(b => Relative(location, b.Name), StringComparer.Ordinal);
            var stale = wanted.Where(w => !(index.TryGetValue(w.Key, out var etag) && etag == w.Value.Properties.ETag.ToString()
                && File.Exists(Path.Combine(folder, w.Key))
                && new FileInfo(Path.Combine(folder, w.Key)).Length == w.Value.Properties.ContentLength)).ToList();
            foreach (string gone in index.Keys.Where(k => !wanted.ContainsKey(k)).ToList())
            {
                File.Delete(Path.Combine(folder, gone));
                index.Remove(gone);
            }

            long total = stale.Sum(s => s.Value.Properties.ContentLength ?? 0), downloaded = 0;
            using var task = progress.Start($"pull {location}", total, "bytes");
            var gate = new object();
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellation };
            await Parallel.ForEachAsync(stale, parallel, async (pair, ct) =>
            {
                long bytes = await DownloadAsync(location, container.GetBlobClient(pair.Value.Name), pair.Key, pair.Value, folder, partials,
                    n => { lock (gate) task.Advance(n); }, ct);
                lock (gate)
                {
                    if (!Verifiable(pair.Value))
                        progress.Message($"warning: blob '{pair.Value.Name}' has no Content-MD5 and no sha256 metadata, " +
                                         "so it was not verified " +
                                         "(upload with 'azcopy copy --put-md5', or publish with dotnet compress, which sets both).");
                    downloaded += bytes;
                    index[pair.Key] = pair.Value.Properties.ETag.ToString()!;
                    WriteIndex(indexFile, index);
                }
            });
            WriteIndex(indexFile, index);
            return new PullResult(folder, blobs.Count, stale.Count, downloaded);
        }
        catch (Exception e) when (e is RequestFailedException or AuthenticationFailedException)
        {
            throw StorageException.Failed(location, e);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0 && e.InnerExceptions[0] is RequestFailedException)
        {
            // The client's retry policy gave up: report the last attempt's cause.
            throw StorageException.Failed(location, e.InnerExceptions[^1]);
        }
    }

    // Downloads one blob (resuming a partial file of the same ETag), verifies it and renames it into place; returns the bytes fetched.
    private async Task<long> DownloadAsync(BlobLocation location, BlobClient blob, string relative, BlobItem item, string folder,
        string partials, Action<long> advance, CancellationToken ct)
    {
        string safe = relative.Replace('/', '~');
        string partial = Path.Combine(partials, safe + ".partial"), etagFile = partial + ".etag";
        var etag = item.Properties.ETag!.Value;
        long length = item.Properties.ContentLength ?? 0;
        if (!File.Exists(etagFile) || File.ReadAllText(etagFile) != etag.ToString() || !File.Exists(partial)
            || new FileInfo(partial).Length > length)
        {
            File.Delete(partial);
            File.WriteAllText(etagFile, etag.ToString());
        }
        long fetched = 0;
        await using (var output = new FileStream(partial, FileMode.Append, FileAccess.Write, FileShare.None))
        {
            advance(output.Length);
            while (output.Length < length)
            {
                var range = new HttpRange(output.Length, Math.Min(ChunkBytes, length - output.Length));
                // If-Match: a blob replaced mid-download fails the request instead of splicing two versions.
                var response = await blob.DownloadStreamingAsync(
                    new BlobDownloadOptions { Range = range, Conditions = new BlobRequestConditions { IfMatch = etag } }, ct);
                await using var body = response.Value.Content;
                long before = output.Length;
                await body.CopyToAsync(output, ct);
                await output.FlushAsync(ct);
                fetched += output.Length - before;
                advance(output.Length - before);
            }
        }
        Verify(location, relative, item, partial);
        string target = Path.Combine(folder, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(partial, target, overwrite: true);
        File.Delete(etagFile);
        return fetched;
    }

    private static bool Verifiable(BlobItem item) =>
        item.Properties.ContentHash is { Length: > 0 } || item.Metadata?.ContainsKey("sha256") == true;

    private static void Verify(BlobLocation location, string relative, BlobItem item, string file)
    {
        void Check(string name, HashAlgorithm algorithm, string expected, Func<byte[], string> format)
        {
            string actual;
            using (var stream = File.OpenRead(file)) actual = format(algorithm.ComputeHash(stream));
            if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            {
                File.Delete(file);
                throw StorageException.Corrupted(location, relative, name, expected, actual);
            }
        }
        if (item.Properties.ContentHash is { Length: > 0 } md5)
            Check("Content-MD5", MD5.Create(), Convert.ToBase64String(md5), Convert.ToBase64String);
        if (item.Metadata is not null && item.Metadata.TryGetValue("sha256", out var sha))
            Check("sha256", SHA256.Create(), sha, Convert.ToHexStringLower);
    }

    private string EntryOf(BlobLocation location) =>
        Path.Combine(cacheRoot, location.Account, location.Container, ContentHasherShort(location.ServiceUri + "|" + location.Prefix));

    private static string ContentHasherShort(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))[..16];

    private static string Relative(BlobLocation location, string name)
    {
        string relative = name[location.ListPrefix.Length..];
        if (relative.Split('/').Any(part => part is "" or "." or ".."))
            throw new StorageException($"model source {location}: blob name '{name}' cannot be mapped to a local file.");
        return relative;
    }

    private static void WriteIndex(string file, Dictionary<string, string> index) =>
        AtomicFile.WriteAllText(file, JsonSerializer.Serialize(index, JsonDefaults.Indented));
}
