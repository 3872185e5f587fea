using System.Text.RegularExpressions;

namespace ModelCompress.Core.Storage;

/// <summary>
/// A folder-like place in Azure Blob Storage: an account endpoint, a container and a prefix (no leading or trailing '/').
/// Parsed from <c>az://ACCOUNT/CONTAINER/PREFIX</c> (the account's endpoint in the public cloud, or under another endpoint
/// suffix for sovereign clouds), <c>https://ACCOUNT.blob.SUFFIX/CONTAINER/PREFIX</c> or a path-style emulator URL
/// <c>http://127.0.0.1:PORT/devstoreaccount1/CONTAINER/PREFIX</c>. A SAS token in the URL's query is kept in <see cref="Sas"/>
/// and never printed: <see cref="ToString"/> shows the location without it. <see cref="BlobClients.Locate"/> parses with the
/// environment's endpoint suffix and connection string.
/// </summary>
public sealed partial record BlobLocation(Uri ServiceUri, string Account, string Container, string Prefix, string? Sas)
{
    /// <summary>The public cloud's storage endpoint suffix (<c>ACCOUNT.blob.core.windows.net</c>).</summary>
    public const string PublicEndpointSuffix = "core.windows.net";

    /// <summary>True for an <c>az://</c> URL: the endpoint was derived from the account name, not written in the URL.</summary>
    public bool ImpliedEndpoint { get; init; }

    /// <summary>True when <paramref name="text"/> looks like a blob URL rather than a local path.</summary>
    public static bool IsBlobUrl(string text) =>
        text.StartsWith("az://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        || text.StartsWith("http://", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Parses one of the three URL forms; an <c>az://</c> URL maps to <c>https://ACCOUNT.blob.</c><paramref name="endpointSuffix"/>
    /// (default <see cref="PublicEndpointSuffix"/>; <c>core.chinacloudapi.cn</c>, <c>core.usgovcloudapi.net</c> for sovereign
    /// clouds). Throws <see cref="StorageException"/> naming the (redacted) URL otherwise.
    /// </summary>
    public static BlobLocation Parse(string text, string? endpointSuffix = null)
    {
        string suffix = string.IsNullOrWhiteSpace(endpointSuffix) ? PublicEndpointSuffix : endpointSuffix.Trim().Trim('.');
        if (!EndpointSuffix().IsMatch(suffix))
            throw StorageException.BadUrl(text, $"endpoint suffix '{suffix}' is not a DNS suffix such as core.chinacloudapi.cn " +
                                                $"(check {BlobClients.EndpointSuffixVariable})");
        if (!IsBlobUrl(text) || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
            throw StorageException.BadUrl(text, "expected az://ACCOUNT/CONTAINER/PREFIX, " +
                                                "https://ACCOUNT.blob.core.windows.net/CONTAINER/PREFIX or " +
                                                "http://127.0.0.1:PORT/ACCOUNT/CONTAINER/PREFIX");
        string? sas = uri.Query.Length > 1 ? uri.Query[1..] : null;
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToList();
        string account;
        Uri service;
        if (uri.Scheme.Equals("az", StringComparison.OrdinalIgnoreCase))
        {
            account = uri.Host;
            service = new Uri($"https://{account}.blob.{suffix}");
        }
        else if (uri.Host.Contains(".blob.", StringComparison.OrdinalIgnoreCase))
        {
            account = uri.Host.Split('.')[0];
            service = new Uri(uri.GetLeftPart(UriPartial.Authority));
        }
        else
        {
            // Path-style (emulator, IP endpoints): the first path segment is the account.
            if (segments.Count == 0) throw StorageException.BadUrl(text, "a path-style URL needs /ACCOUNT/CONTAINER after the host");
            account = segments[0];
            segments.RemoveAt(0);
            service = new Uri($"{uri.GetLeftPart(UriPartial.Authority)}/{account}");
        }
        if (!AccountName().IsMatch(account))
            throw StorageException.BadUrl(text, $"'{account}' is not a storage account name (3-24 lowercase letters and digits)");
        if (segments.Count == 0) throw StorageException.BadUrl(text, "no container");
        string container = segments[0];
        if (!ContainerName().IsMatch(container))
            throw StorageException.BadUrl(text, $"'{container}' is not a container name (3-63 lowercase letters, digits and '-')");
        return new BlobLocation(service, account, container, string.Join('/', segments.Skip(1)), sas)
        {
            ImpliedEndpoint = uri.Scheme.Equals("az", StringComparison.OrdinalIgnoreCase),
        };
    }

    /// <summary>This location with <paramref name="relative"/> appended to the prefix.</summary>
    public BlobLocation Child(string relative) => this with { Prefix = Join(Prefix, relative.Trim('/')) };

    /// <summary>The full blob name of <paramref name="relative"/> under the prefix.</summary>
    public string BlobName(string relative) => Join(Prefix, relative.Replace('\\', '/').Trim('/'));

    /// <summary>The prefix as a listing prefix ("" or ending in '/').</summary>
    public string ListPrefix => Prefix.Length == 0 ? "" : Prefix + "/";

    /// <summary>The location as a URL, without any SAS token.</summary>
    public override string ToString() => $"{ServiceUri.ToString().TrimEnd('/')}/{Container}{(Prefix.Length > 0 ? "/" + Prefix : "")}";

    /// <summary>Replaces SAS signatures and account keys in <paramref name="text"/> (an error message, a URL) with "REDACTED".</summary>
    public static string Redact(string text) => Secret().Replace(text, m => $"{m.Groups[1].Value}=REDACTED");

    private static string Join(string a, string b) => a.Length == 0 ? b : b.Length == 0 ? a : $"{a}/{b}";

    [GeneratedRegex("^[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+$")]
    private static partial Regex EndpointSuffix();

    [GeneratedRegex("^[a-z0-9]{3,24}$")]
    private static partial Regex AccountName();

    [GeneratedRegex("^(?:[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}|\\$root)$")]
    private static partial Regex ContainerName();

    [GeneratedRegex("(sig|AccountKey|SharedAccessSignature)=[^&;\\s\"']+", RegexOptions.IgnoreCase)]
    private static partial Regex Secret();
}
