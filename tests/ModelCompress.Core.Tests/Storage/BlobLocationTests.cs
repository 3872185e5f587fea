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

    [Theory]
    [InlineData("core.chinacloudapi.cn", "https://myaccount.blob.core.chinacloudapi.cn/")]
    [InlineData(".core.usgovcloudapi.net", "https://myaccount.blob.core.usgovcloudapi.net/")]
    [InlineData(null, "https://myaccount.blob.core.windows.net/")]
    public void Parse_AzScheme_UsesTheEndpointSuffix(string? suffix, string endpoint)
    {
        var location = BlobLocation.Parse("az://myaccount/models/llama", suffix);
        Assert.Equal((endpoint, true), (location.ServiceUri.ToString(), location.ImpliedEndpoint));
        Assert.False(BlobLocation.Parse("https://myaccount.blob.core.chinacloudapi.cn/models/llama").ImpliedEndpoint);
    }

    [Fact]
    public void Parse_BadEndpointSuffix_NamesTheVariable()
    {
        var error = Assert.Throws<StorageException>(() => BlobLocation.Parse("az://myaccount/models", "core/evil"));
        Assert.Contains("endpoint suffix 'core/evil' is not a DNS suffix", error.Message);
        Assert.Contains(BlobClients.EndpointSuffixVariable, error.Message);
    }

    [Fact]
    public void Locate_AzUrl_TakesTheSuffixVariable_ThenTheConnectionStringOfItsAccount()
    {
        var suffix = new BlobClients(name => name == BlobClients.EndpointSuffixVariable ? "core.chinacloudapi.cn" : null);
        Assert.Equal("https://myaccount.blob.core.chinacloudapi.cn/models/llama", suffix.Locate("az://myaccount/models/llama").ToString());

        var gov = Connection("DefaultEndpointsProtocol=https;AccountName=myaccount;AccountKey=c2VjcmV0;" +
                             "EndpointSuffix=core.usgovcloudapi.net");
        Assert.Equal("https://myaccount.blob.core.usgovcloudapi.net/models/llama", gov.Locate("az://myaccount/models/llama").ToString());
        Assert.Equal("https://other.blob.core.windows.net/models", gov.Locate("az://other/models").ToString());
        // A URL that names its endpoint keeps it.
        Assert.Equal("https://myaccount.blob.core.windows.net/models",
            gov.Locate("https://myaccount.blob.core.windows.net/models").ToString());

        var custom = Connection("AccountName=myaccount;AccountKey=c2VjcmV0;BlobEndpoint=https://blobs.contoso.example/");
        Assert.Equal("https://blobs.contoso.example/models/llama", custom.Locate("az://myaccount/models/llama").ToString());
    }

    [Fact]
    public void Clients_AzUrlWithSovereignConnectionString_TalkToThatCloud_WithTheAccountKey()
    {
        var clients = Connection("DefaultEndpointsProtocol=https;AccountName=myaccount;AccountKey=c2VjcmV0;" +
                                 "EndpointSuffix=core.chinacloudapi.cn");
        var container = clients.Container(BlobLocation.Parse("az://myaccount/models/llama"));
        Assert.Equal("https://myaccount.blob.core.chinacloudapi.cn/models", container.Uri.ToString());
        Assert.True(container.CanGenerateSasUri);
    }

    [Fact]
    public void Clients_MalformedConnectionString_IsInvalidInput_WithoutTheKey()
    {
        var broken = Connection("AccountKey=c2VjcmV0TOPSECRET;garbage");
        var error = Assert.Throws<StorageException>(() => broken.Locate("az://myaccount/models"));
        Assert.Contains("AZURE_STORAGE_CONNECTION_STRING is not a storage connection string", error.Message);
        Assert.DoesNotContain("TOPSECRET", error.Message);
    }

    [Theory]
    [InlineData("myaccount.blob.core.chinacloudapi.cn", "https://login.chinacloudapi.cn/")]
    [InlineData("myaccount.blob.core.usgovcloudapi.net", "https://login.microsoftonline.us/")]
    [InlineData("myaccount.blob.core.windows.net", "https://login.microsoftonline.com/")]
    public void DefaultCredential_SignsInToTheEndpointsCloud(string host, string authority)
    {
        Assert.Equal(authority, BlobClients.AuthorityOf(host).ToString());
    }

    private static BlobClients Connection(string text) => new(name => name == BlobClients.ConnectionStringVariable ? text : null);
}
