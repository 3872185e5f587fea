using ModelCompress.Core.Storage;

namespace ModelCompress.Core.Tests.Storage;

public sealed class BlobLocationTests
{
    [Fact]
    public void Parse_AzScheme_MapsToTheAccountsBlobEndpoint()
    {
        var location = BlobLocation.Parse("az://myaccount/models/llama/8b");
        Assert.Equal(("https://myaccount.blob.core.windows.net/", "myaccount", "models", "llama/8b", (string?)null),
            (location.ServiceUri.ToString(), location.Account, location.Container, location.Prefix, location.Sas));
        Assert.Equal("https://myaccount.blob.core.windows.net/models/llama/8b", location.ToString());
    }

    [Fact]
    public void Parse_HttpsUrlWithSas_KeepsTheTokenButNeverPrintsIt()
    {
        var location = BlobLocation.Parse("https://myaccount.blob.core.windows.net/models/base/?sv=2024-01-01&sp=r&sig=abc%2Bdef");
        Assert.Equal(("myaccount", "models", "base"), (location.Account, location.Container, location.Prefix));
        Assert.Equal("sv=2024-01-01&sp=r&sig=abc%2Bdef", location.Sas);
        Assert.DoesNotContain("sig", location.ToString());
    }

    [Fact]
    public void Parse_EmulatorUrl_TakesTheAccountFromThePath()
    {
        var location = BlobLocation.Parse("http://127.0.0.1:10000/devstoreaccount1/models/a/b");
        Assert.Equal(("http://127.0.0.1:10000/devstoreaccount1", "devstoreaccount1", "models", "a/b"),
            (location.ServiceUri.ToString(), location.Account, location.Container, location.Prefix));
        Assert.Equal("a/b/c.json", location.BlobName("c.json"));
        Assert.Equal("a/b/run/1", location.Child("run/1").Prefix);
    }

    [Fact]
    public void Parse_ContainerOnly_HasAnEmptyPrefix()
    {
        var location = BlobLocation.Parse("az://myaccount/models");
        Assert.Equal(("", ""), (location.Prefix, location.ListPrefix));
        Assert.Equal("x.json", location.BlobName("x.json"));
    }

    [Theory]
    [InlineData("az://myaccount", "no container")]
    [InlineData("az://My_Account/models", "not a storage account name")]
    [InlineData("az://myaccount/Models", "not a container name")]
    [InlineData("ftp://myaccount/models", "expected az://")]
    [InlineData("http://127.0.0.1:10000/", "needs /ACCOUNT/CONTAINER")]
    public void Parse_Malformed_NamesTheProblem(string url, string expected)
    {
        var error = Assert.Throws<StorageException>(() => BlobLocation.Parse(url));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Parse_MalformedUrlWithSas_RedactsTheSignatureInTheError()
    {
        var error = Assert.Throws<StorageException>(() => BlobLocation.Parse("https://myaccount.blob.core.windows.net/?sv=1&sig=TOPSECRET"));
        Assert.DoesNotContain("TOPSECRET", error.Message);
        Assert.Contains("sig=REDACTED", error.Message);
    }

    [Fact]
    public void Redact_HidesSignaturesAndAccountKeys()
    {
        Assert.Equal("AccountName=a;AccountKey=REDACTED;EndpointSuffix=x", BlobLocation.Redact("AccountName=a;AccountKey=c2VjcmV0==;EndpointSuffix=x"));
        Assert.Equal("https://a/c?sv=1&sig=REDACTED&se=2", BlobLocation.Redact("https://a/c?sv=1&sig=s3cr3t%3D&se=2"));
    }

    [Fact]
    public void Clients_PlainHttpWithoutCredentials_AsksForThem()
    {
        var clients = new BlobClients(_ => null);
        var error = Assert.Throws<StorageException>(() => clients.Container(BlobLocation.Parse("http://127.0.0.1:10000/devstoreaccount1/models")));
        Assert.Contains("AZURE_STORAGE_CONNECTION_STRING", error.Message);
    }

    [Fact]
    public void Clients_CredentialsInOrder_ConnectionStringThenSasThenDefaultCredential()
    {
        var location = BlobLocation.Parse("https://myaccount.blob.core.windows.net/models/base");
        var key = new BlobClients(name => name == "AZURE_STORAGE_CONNECTION_STRING"
            ? "DefaultEndpointsProtocol=https;AccountName=myaccount;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net" : "sv=1&sig=x");
        Assert.True(key.Container(location).CanGenerateSasUri, "a shared key credential can sign SAS URIs");
        var sas = new BlobClients(name => name == "AZURE_STORAGE_SAS_TOKEN" ? "?sv=1&sig=x" : null);
        Assert.False(sas.Container(location).CanGenerateSasUri);
        var otherAccount = new BlobClients(name => name == "AZURE_STORAGE_CONNECTION_STRING" ? "AccountName=other;AccountKey=c2VjcmV0" : null);
        Assert.False(otherAccount.Container(location).CanGenerateSasUri);
    }
}
