using System.Data.Common;
using Azure;
using Azure.Core;
using Azure.Identity;
using Azure.Storage;
using Azure.Storage.Blobs;

namespace ModelCompress.Core.Storage;

/// <summary>
/// Locates blob URLs and builds container clients for them. Credentials, first that applies: the connection string in
/// <c>AZURE_STORAGE_CONNECTION_STRING</c> when it names the URL's account (parsed by the Azure SDK, so <c>BlobEndpoint</c>,
/// <c>EndpointSuffix</c>, <c>DefaultEndpointsProtocol</c>, <c>SharedAccessSignature</c> and <c>UseDevelopmentStorage=true</c>
/// all hold), a SAS token (in the URL, else <c>AZURE_STORAGE_SAS_TOKEN</c>), then <c>DefaultAzureCredential</c> (managed identity
/// on runners, Azure CLI locally; signing in to the sovereign cloud of the endpoint). An <c>az://ACCOUNT</c> URL is the
/// account's endpoint in the connection string naming it, else <c>https://ACCOUNT.blob.SUFFIX</c> with SUFFIX from
/// <c>AZURE_STORAGE_ENDPOINT_SUFFIX</c> (default <c>core.windows.net</c>). Requests retry transient failures with backoff.
/// </summary>
public sealed class BlobClients(Func<string, string?>? environment = null)
{
    /// <summary>The variable naming the endpoint suffix of <c>az://</c> URLs (the connection-string field's value).</summary>
    public const string EndpointSuffixVariable = "AZURE_STORAGE_ENDPOINT_SUFFIX";

    public const string ConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";

    // The emulator's published, well-known development key (not a secret).
    private const string DevAccount = "devstoreaccount1";
    private const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly Func<string, string?> env = environment ?? Environment.GetEnvironmentVariable;

    /// <summary>Retries per request (default 5) and the first backoff delay (default 0.5 s, doubling, at most 20 s).</summary>
    public int MaxRetries { get; init; } = 5;
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Parses <paramref name="url"/> (<see cref="BlobLocation.Parse"/>) with this environment's endpoint suffix; an <c>az://</c>
    /// URL whose account the connection string names takes the connection string's blob endpoint.
    /// </summary>
    public BlobLocation Locate(string url)
    {
        var location = BlobLocation.Parse(url, env(EndpointSuffixVariable));
        if (!location.ImpliedEndpoint || ConnectionString(location.Account) is not { } service) return location;
        return location with { ServiceUri = service.Uri };
    }

    public BlobContainerClient Container(BlobLocation location)
    {
        var options = Options();
        var uri = new Uri($"{location.ServiceUri.ToString().TrimEnd('/')}/{location.Container}");

        if (ConnectionString(location.Account) is { } service)
        {
            // The SDK's client when the URL is the connection string's endpoint (or implied by az://); otherwise the URL's own
            // endpoint (an emulator on another port, a private endpoint) with the connection string's credential.
            if (location.ImpliedEndpoint || SameEndpoint(service.Uri, location.ServiceUri))
                return service.GetBlobContainerClient(location.Container);
            return CredentialOf(location.Account) switch
            {
                StorageSharedKeyCredential key => new BlobContainerClient(uri, key, options),
                AzureSasCredential sas => new BlobContainerClient(uri, sas, options),
                _ => service.GetBlobContainerClient(location.Container),
            };
        }
        string? sasToken = location.Sas ?? env("AZURE_STORAGE_SAS_TOKEN");
        if (!string.IsNullOrWhiteSpace(sasToken))
            return new BlobContainerClient(uri, new AzureSasCredential(sasToken.TrimStart('?')), options);
        if (uri.Scheme != Uri.UriSchemeHttps)
            throw new StorageException($"{location}: no credentials for a plain-http endpoint " +
                                       $"(set {ConnectionStringVariable} or AZURE_STORAGE_SAS_TOKEN).");
        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions { AuthorityHost = AuthorityOf(uri.Host) });
        return new BlobContainerClient(uri, credential, options);
    }

    /// <summary>The Entra ID sign-in host of a storage endpoint's cloud: China and US Government have their own.</summary>
    public static Uri AuthorityOf(string host) =>
        host.EndsWith(".chinacloudapi.cn", StringComparison.OrdinalIgnoreCase) ? AzureAuthorityHosts.AzureChina
        : host.EndsWith(".usgovcloudapi.net", StringComparison.OrdinalIgnoreCase) ? AzureAuthorityHosts.AzureGovernment
        : AzureAuthorityHosts.AzurePublicCloud;

    private BlobClientOptions Options()
    {
        var options = new BlobClientOptions(BlobClientOptions.ServiceVersion.V2025_11_05);
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = MaxRetries;
        options.Retry.Delay = RetryDelay;
        options.Retry.MaxDelay = TimeSpan.FromSeconds(20);
        options.Diagnostics.IsLoggingContentEnabled = false;
        return options;
    }

    // The connection string's service client (the SDK parses it), when it is set and names this account.
    private BlobServiceClient? ConnectionString(string account)
    {
        string? text = env(ConnectionStringVariable);
        if (string.IsNullOrWhiteSpace(text)) return null;
        BlobServiceClient service;
        try
        {
            service = new BlobServiceClient(text, Options());
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            throw new StorageException($"{ConnectionStringVariable} is not a storage connection string ({e.Message.Split('\n')[0].Trim()}" +
                                       "); copy it from the portal (Access keys) or use UseDevelopmentStorage=true for Azurite.", e);
        }
        return string.Equals(service.AccountName, account, StringComparison.Ordinal) ? service : null;
    }

    // The credential in the connection string (already parsed and matched by the SDK), for a URL at another endpoint.
    private object? CredentialOf(string account)
    {
        var fields = new DbConnectionStringBuilder { ConnectionString = env(ConnectionStringVariable) };
        if (fields.TryGetValue("UseDevelopmentStorage", out object? dev)
            && "true".Equals(dev as string, StringComparison.OrdinalIgnoreCase))
            return new StorageSharedKeyCredential(DevAccount, DevKey);
        if (fields.TryGetValue("SharedAccessSignature", out object? sas)) return new AzureSasCredential(((string)sas).TrimStart('?'));
        return fields.TryGetValue("AccountKey", out object? key) ? new StorageSharedKeyCredential(account, (string)key) : null;
    }

    private static bool SameEndpoint(Uri a, Uri b) =>
        Uri.Compare(new Uri(a.ToString().TrimEnd('/')), new Uri(b.ToString().TrimEnd('/')),
            UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.SafeUnescaped, StringComparison.OrdinalIgnoreCase) == 0;
}
