using System.Diagnostics;
using System.Text.RegularExpressions;
using Azure.Storage.Blobs;
using ModelCompress.Core.Storage;

namespace ModelCompress.Integration.Tests;

/// <summary>
/// A real Azurite blob service on a free loopback port with a fresh temporary workspace, started once for the test assembly's
/// storage tests and stopped after. The binary is <c>MODELCOMPRESS_AZURITE</c>, else <c>.cache/azurite/node_modules/.bin/azurite-blob</c>
/// (installed by the build and by <c>.ci/run</c>); a missing binary fails the tests, it never skips them.
/// </summary>
public sealed partial class Azurite : IDisposable
{
    private readonly Process process;
    private readonly TempFolder workspace = new("mc-azurite-");
    private int containers;

    public Azurite()
    {
        string binary = Environment.GetEnvironmentVariable("MODELCOMPRESS_AZURITE") is { Length: > 0 } env
            ? env : Path.Combine(RepoPaths.Root, ".cache", "azurite", "node_modules", ".bin", "azurite-blob");
        if (!File.Exists(binary))
            throw new FileNotFoundException($"Azurite is not installed at {binary}: run '.ci/install-azurite.sh .cache/azurite' (or set MODELCOMPRESS_AZURITE).");
        var start = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "--blobHost", "127.0.0.1", "--blobPort", "0", "--location", workspace, "--silent", "--disableTelemetry", "--skipApiVersionCheck" })
            start.ArgumentList.Add(a);
        process = Process.Start(start)!;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        // Azurite prints the port it bound once it listens: "... successfully listens on http://127.0.0.1:PORT".
        while (DateTime.UtcNow < deadline)
        {
            string? line = process.StandardOutput.ReadLine();
            if (line is null) break;
            if (Listening().Match(line) is { Success: true } m)
            {
                Port = int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                _ = process.StandardOutput.ReadToEndAsync();
                _ = process.StandardError.ReadToEndAsync();
                return;
            }
        }
        string err = process.HasExited ? process.StandardError.ReadToEnd() : "";
        Dispose();
        throw new InvalidOperationException($"Azurite did not start: {err}");
    }

    public int Port { get; }

    /// <summary>Emulator credentials, injected instead of the process environment.</summary>
    public static string? EmulatorEnvironment(string name) => name == "AZURE_STORAGE_CONNECTION_STRING" ? "UseDevelopmentStorage=true" : null;

    /// <summary>Clients with the emulator's key and fast retries.</summary>
    public BlobClients Clients { get; } = new(EmulatorEnvironment) { MaxRetries = 2, RetryDelay = TimeSpan.FromMilliseconds(20) };

    /// <summary>A URL of a new, created, empty container (one per test, so tests run in parallel).</summary>
    public BlobLocation NewContainer(string prefix = "")
    {
        string name = $"t{Interlocked.Increment(ref containers)}-{Guid.NewGuid():N}"[..20];
        var location = BlobLocation.Parse($"http://127.0.0.1:{Port}/devstoreaccount1/{name}/{prefix}");
        Clients.Container(location).Create();
        return location;
    }

    public BlobContainerClient Container(BlobLocation location) => Clients.Container(location);

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.WaitForExit(10_000);
        process.Dispose();
        workspace.Dispose();
    }

    [GeneratedRegex(@"listens on https?://[^:]+:(\d+)")]
    private static partial Regex Listening();
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<Azurite>
{
    public const string Name = "azurite";
}
