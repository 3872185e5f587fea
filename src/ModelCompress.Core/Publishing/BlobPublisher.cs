using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Azure;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Progress;
using ModelCompress.Core.Storage;

namespace ModelCompress.Core.Publishing;

/// <summary>Where a run went: its id, its immutable folder, and whether <c>latest.json</c> now points at it.</summary>
public sealed record PublishResult(string RunId, BlobLocation Run, int Files, bool LatestUpdated);

/// <summary>
/// Publishes a passed run folder to <c>PREFIX/NAME/RUN_ID/</c> (RUN_ID = the run's UTC finish time and a short hash of its
/// manifest, so the same run always maps to the same path). Every blob is created with If-None-Match: * (an existing run is never
/// overwritten unless <c>overwrite</c>) and carries metadata: verdict, base model, removed layers, tool version, sha256 (plus
/// Content-MD5). <c>PREFIX/NAME/latest.json</c> is written last, under an ETag condition re-read on conflict, and only moves
/// forward (a run that finished earlier never replaces a newer pointer), so readers never see a half-published run and
/// concurrent publishers cannot clobber each other. Transient failures are retried by the client with backoff; a final
/// failure is a <see cref="PublishException"/> and the local run is left as it was.
/// </summary>
public sealed class BlobPublisher(BlobClients? clients = null)
{
    private readonly BlobClients clients = clients ?? new BlobClients();

    public async Task<PublishResult> PublishAsync(string runDir, BlobLocation target, bool overwrite = false,
        IProgressSink? progress = null, CancellationToken cancellation = default)
    {
        progress ??= NullProgress.Instance;
        var run = RunInfo.Read(runDir);
        if (run.Verdict != "passed") throw PublishException.NotPassed(runDir);
        var runLocation = target.Child($"{run.Name}/{run.Id}");
        var container = clients.Container(target);
        try
        {
            if (!overwrite)
                await foreach (var _ in container.GetBlobsAsync(new GetBlobsOptions { Prefix = runLocation.ListPrefix }, cancellation))
                    throw PublishException.AlreadyPublished(runLocation);
            // manifest.json last among the run's files: its presence marks a complete upload.
            var files = Directory.EnumerateFiles(runDir, "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(runDir, f).Replace('\\', '/'))
                .Where(f => f != PublishedRecord.FileName)
                .OrderBy(f => f == "manifest.json").ThenBy(f => f, StringComparer.Ordinal).ToList();
            using var task = progress.Start($"publish {runLocation}", files.Sum(f => new FileInfo(Path.Combine(runDir, f)).Length),
                "bytes");
            foreach (string file in files)
            {
                string path = Path.Combine(runDir, file);
                var (md5, sha256) = Hashes(path);
                var options = new BlobUploadOptions
                {
                    HttpHeaders = new BlobHttpHeaders { ContentHash = md5, ContentType = ContentType(file) },
                    Metadata = run.Metadata(Convert.ToHexStringLower(sha256)),
                    Conditions = overwrite ? null : new BlobRequestConditions { IfNoneMatch = ETag.All },
                };
                try
                {
                    await container.GetBlobClient(runLocation.BlobName(file)).UploadAsync(path, options, cancellation);
                }
                catch (RequestFailedException e)
                    when (!overwrite && e.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
                {
                    throw PublishException.AlreadyPublished(runLocation);
                }
                task.Advance(new FileInfo(path).Length);
            }
            bool latest = await UpdateLatestAsync(container.GetBlobClient(target.BlobName($"{run.Name}/latest.json")), run, runLocation,
                cancellation);
            progress.Message($"published {runLocation}{(latest ? " (latest)" : "")}");
            return new PublishResult(run.Id, runLocation, files.Count, latest);
        }
        catch (Exception e) when (e is RequestFailedException or AuthenticationFailedException)
        {
            throw PublishException.Failed(target, e);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0 && e.InnerExceptions[0] is RequestFailedException)
        {
            // The client's retry policy gave up: report the last attempt's cause.
            throw PublishException.Failed(target, e.InnerExceptions[^1]);
        }
    }

    // Optimistic concurrency: read latest.json and its ETag, write under If-Match (If-None-Match: * when absent); a 412/409
    // means another publisher got there first, so read again and decide again.
    private static async Task<bool> UpdateLatestAsync(BlobClient latest, RunInfo run, BlobLocation runLocation, CancellationToken ct)
    {
        for (int attempt = 0; ; attempt++)
        {
            ETag? etag = null;
            try
            {
                var current = await latest.DownloadContentAsync(ct);
                etag = current.Value.Details.ETag;
                var existing = JsonNode.Parse(current.Value.Content.ToString());
                if (string.CompareOrdinal(existing?["finished"]?.GetValue<string>(), run.Finished) > 0) return false;
            }
            catch (RequestFailedException missing) when (missing.Status == (int)HttpStatusCode.NotFound) { }
            var pointer = new JsonObject
            {
                ["name"] = run.Name, ["run_id"] = run.Id, ["path"] = runLocation.Prefix + "/", ["finished"] = run.Finished,
                ["verdict"] = run.Verdict, ["tool_version"] = ToolInfo.Version,
                ["published"] = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            };
            var options = new BlobUploadOptions
            {
                HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
                Conditions = etag is { } known
                    ? new BlobRequestConditions { IfMatch = known }
                    : new BlobRequestConditions { IfNoneMatch = ETag.All },
            };
            try
            {
                await latest.UploadAsync(BinaryData.FromString(pointer.ToJsonString(JsonDefaults.Indented)), options, ct);
                return true;
            }
            catch (RequestFailedException conflict)
                when (conflict.Status is (int)HttpStatusCode.PreconditionFailed or (int)HttpStatusCode.Conflict && attempt < 20)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50 * (attempt + 1) + Random.Shared.Next(50)), ct);
            }
        }
    }

    private static (byte[] Md5, byte[] Sha256) Hashes(string path)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var stream = File.OpenRead(path);
        var buffer = new byte[1 << 20];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            md5.AppendData(buffer, 0, read);
            sha.AppendData(buffer, 0, read);
        }
        return (md5.GetHashAndReset(), sha.GetHashAndReset());
    }

    private static string ContentType(string file) => Path.GetExtension(file) switch
    {
        ".json" => "application/json",
        ".md" => "text/markdown; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };

    /// <summary>What a run folder says about itself (read by <see cref="RunFolder.Read"/>), and the run id its manifest gives it.</summary>
    internal sealed record RunInfo(string Name, string Id, string Verdict, string Finished, string BaseModel, string RemovedLayers)
    {
        public static RunInfo Read(string runDir)
        {
            string results = Path.Combine(runDir, RunFolder.ResultsFile), manifest = Path.Combine(runDir, RunFolder.ManifestFile);
            if (!File.Exists(results) || !File.Exists(manifest))
                throw PublishException.NotARun(runDir, "results.json or manifest.json is missing");
            var run = RunFolder.Read(runDir);
            if (run.Name.Length == 0) throw PublishException.NotARun(runDir, "results.json has no name");
            var time = run.Finished?.ToUniversalTime() ?? throw PublishException.NotARun(runDir, "manifest.json has no finish time");
            string id = $"{time:yyyyMMdd'T'HHmmss'Z'}-{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(manifest)))[..8]}";
            string removed = string.Join(',', run.Pruning.SelectMany(p => p.RemovedLayers));
            return new RunInfo(run.Name, id, run.Passed ? "passed" : "failed", time.ToString("O", CultureInfo.InvariantCulture),
                run.BaseModel ?? run.ModelSource ?? "", removed);
        }

        public Dictionary<string, string> Metadata(string sha256) => new()
        {
            ["verdict"] = Verdict, ["base_model"] = Ascii(BlobLocation.Redact(BaseModel)), ["removed_layers"] = RemovedLayers,
            ["tool_version"] = Ascii(ToolInfo.Version), ["sha256"] = sha256,
        };

        // Metadata values travel as HTTP headers: printable ASCII only.
        private static string Ascii(string text) => new(text.Select(c => c is >= ' ' and <= '~' ? c : '_').ToArray());
    }
}
