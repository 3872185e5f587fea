using ModelCompress.Core.Storage;

namespace ModelCompress.Integration.Tests.Storage;

/// <summary>
/// Connection strings as the portal and sovereign clouds write them, against a real Azurite: an explicit <c>BlobEndpoint</c>
/// carries an <c>az://</c> URL to that endpoint, for pulling and publishing alike.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class ConnectionStringTests(Azurite azurite) : IDisposable
{
    // The emulator's published, well-known development key (not a secret).
    private const string DevKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    private readonly TempFolder temp = new("mc-connection-");

    private BlobClients Clients(string connectionString) =>
        new(name => name == BlobClients.ConnectionStringVariable ? connectionString : null)
        {
            MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(20),
        };

    [Fact]
    public async Task AzUrl_WithBlobEndpointInTheConnectionString_PullsFromThatEndpoint()
    {
        string source = ModelFolders.Create(Path.Combine(temp, "source"));
        var uploaded = azurite.NewContainer("models/tiny");
        ModelFolders.Upload(azurite, source, uploaded);
        var clients = Clients($"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={DevKey};" +
                              $"BlobEndpoint=http://127.0.0.1:{azurite.Port}/devstoreaccount1;");

        var location = clients.Locate($"az://devstoreaccount1/{uploaded.Container}/models/tiny");
        var pulled = await new BlobModelCache(Path.Combine(temp, "cache"), clients).PullAsync(location);

        Assert.Equal($"http://127.0.0.1:{azurite.Port}/devstoreaccount1/{uploaded.Container}/models/tiny", location.ToString());
        ModelFolders.AssertSameFiles(source, pulled.Folder);
        Assert.Equal(4, pulled.FilesDownloaded);
    }

    [Fact]
    public async Task SasOnlyConnectionString_WithBlobEndpoint_Works()
    {
        var container = azurite.NewContainer();
        var sas = azurite.Container(container).GenerateSasUri(
            Azure.Storage.Sas.BlobContainerSasPermissions.All, DateTimeOffset.UtcNow.AddHours(1)).Query.TrimStart('?');
        var clients = Clients($"BlobEndpoint=http://127.0.0.1:{azurite.Port}/devstoreaccount1;SharedAccessSignature={sas}");

        var location = clients.Locate($"az://devstoreaccount1/{container.Container}/notes");
        await clients.Container(location).GetBlobClient(location.BlobName("a.txt")).UploadAsync(BinaryData.FromString("hello"));

        var read = await azurite.Container(container).GetBlobClient("notes/a.txt").DownloadContentAsync();
        Assert.Equal("hello", read.Value.Content.ToString());
        Assert.False(clients.Container(location).CanGenerateSasUri);
    }

    public void Dispose() => temp.Dispose();
}
