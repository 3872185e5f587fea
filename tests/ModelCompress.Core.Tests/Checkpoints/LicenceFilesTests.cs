using ModelCompress.Core.Checkpoints;

namespace ModelCompress.Core.Tests.Checkpoints;

public sealed class LicenceFilesTests
{
    [Theory]
    [InlineData("LICENSE", true)]
    [InlineData("license.txt", true)]
    [InlineData("LICENSE.md", true)]
    [InlineData("Licence", true)]
    [InlineData("LICENSE-APACHE", true)]
    [InlineData("LICENSE_llama3.1.txt", true)]
    [InlineData("NOTICE", true)]
    [InlineData("notice.md", true)]
    [InlineData("USE_POLICY.md", true)]
    [InlineData("COPYING", true)]
    [InlineData("README.md", false)]
    [InlineData("LICENSE.json", false)]
    [InlineData("licenses.txt", false)]
    [InlineData("NOTICES_not", false)]
    public void IsLicenceFile_ByNameInAnyCase(string name, bool licence) => Assert.Equal(licence, HfFolderWriter.IsLicenceFile(name));

    [Fact]
    public void CopySideFiles_CarriesLicenceAndNoticeFiles_NotTheCard()
    {
        using var temp = new TempFolder();
        string from = Directory.CreateDirectory(temp["base"]).FullName, to = Directory.CreateDirectory(temp["out"]).FullName;
        foreach (string name in new[] { "LICENSE", "USE_POLICY.md", "notice.txt", "README.md", "tokenizer.json", "other.txt" })
            File.WriteAllText(Path.Combine(from, name), name);

        HfFolderWriter.CopySideFiles(from, to);

        Assert.Equal(["LICENSE", "USE_POLICY.md", "notice.txt", "tokenizer.json"],
            Directory.EnumerateFiles(to).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("USE_POLICY.md", File.ReadAllText(Path.Combine(to, "USE_POLICY.md")));
    }
}
