using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace ModelCompress.Core.Storage;

/// <summary>
/// Builds a container client for a <see cref="BlobLocation"/>. Credentials, first that applies: the connection string in
/// <c>AZURE_STORAGE_CONNECTION_STRING</c> (its account key or SAS, when it names the same account; <c>UseDevelopmentStorage=true</c>
/// for the emulator), a SAS token (in the URL, else <c>AZURE_STORAGE_SAS_TOKEN</c>), then <c>DefaultAzureCredential</c>
/// (managed identity on runners, Azure CLI locally). Requests retry transient failures with exponential backoff.
/// </summary>
public sealed class BlobClients(Func<string, string?>? environment = null)
{
    // The emulator's published, well-known development key (not a secret).
    private const string DevAccount = "devstoreaccount1";
    private const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Func<string, string?> env = environment ?? Environment.GetEnvironmentVariable;

    /// <summary>Retries per request (default 5) and the first backoff delay (default 0.5 s, doubling, at most 20 s).</summary>
    public int MaxRetries { get; init; } = 5;
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public BlobContainerClient Container(BlobLocation location)
    {
        var options = new BlobClientOptions(BlobClientOptions.ServiceVersion.V2025_11_05);
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = MaxRetries;
        options.Retry.Delay = RetryDelay;
        options.Retry.MaxDelay = TimeSpan.FromSeconds(20);
        options.Diagnostics.IsLoggingContentEnabled = false;
        var uri = new Uri($"{location.ServiceUri.ToString().TrimEnd('/')}/{location.Container}");

        if (FromConnectionString(location.Account) is { } fromConnection)
            return fromConnection switch
            {
                StorageSharedKeyCredential key => new BlobContainerClient(uri, key, options),
                AzureSasCredential sas => new BlobContainerClient(uri, sas, options),
                _ => throw new InvalidOperationException(),
            };
        string? sasToken = location.Sas ?? env("AZURE_STORAGE_SAS_TOKEN");
        if (!string.IsNullOrWhiteSpace(sasToken))
            return new BlobContainerClient(uri, new AzureSasCredential(sasToken.TrimStart('?')), options);
        if (uri.Scheme != Uri.UriSchemeHttps)
            throw new StorageException($"{location}: no credentials for a plain-http endpoint " +
                                       "(set AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_SAS_TOKEN).");
        return new BlobContainerClient(uri, new DefaultAzureCredential(), options);
    }

    // The connection string's account key or SAS, when it is for this account; null when unset or for another account.
    private object? FromConnectionString(string account)
    {
        string? text = env("AZURE_STORAGE_CONNECTION_STRING");
        if (string.IsNullOrWhiteSpace(text)) return null;
        var parts = text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0], StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.Last()[1], StringComparer.OrdinalIgnoreCase);
        if (parts.TryGetValue("UseDevelopmentStorage", out var dev) && dev.Equals("true", StringComparison.OrdinalIgnoreCase))
            return account == DevAccount ? new StorageSharedKeyCredential(DevAccount, DevKey) : null;
        if (parts.TryGetValue("SharedAccessSignature", out var sas)) return new AzureSasCredential(sas.TrimStart('?'));
        if (!parts.TryGetValue("AccountName", out var name) || !name.Equals(account, StringComparison.Ordinal)) return null;
        return parts.TryGetValue("AccountKey", out var key) ? new StorageSharedKeyCredential(name, key) : null;
    }
}
