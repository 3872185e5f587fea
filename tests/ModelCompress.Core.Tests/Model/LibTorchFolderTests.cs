using System.Xml.Linq;
using ModelCompress.Core.Model;

namespace ModelCompress.Core.Tests.Model;

public sealed class LibTorchFolderTests : IDisposable
{
    private readonly TempFolder temp = new("mc-libtorch-folder-");

    private string Lib(string parent, string? buildVersion = null, string? versionPy = null, params string[] extra)
    {
        string lib = Path.Combine(temp, parent, "lib");
        Directory.CreateDirectory(lib);
        foreach (string name in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" }.Concat(extra))
            File.WriteAllBytes(Path.Combine(lib, name), []);
        if (buildVersion is not null) File.WriteAllText(Path.Combine(temp, parent, "build-version"), buildVersion);
        if (versionPy is not null) File.WriteAllText(Path.Combine(temp, parent, "version.py"), versionPy);
        return lib;
    }

    [Fact]
    public void BuiltFor_IsTheLibtorchPackageVersionOfDirectoryPackagesProps()
    {
        var props = XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Packages.props"));
        string version = props.Descendants("PackageVersion")
            .Single(p => (string?)p.Attribute("Include") == "libtorch-cpu-linux-x64").Attribute("Version")!.Value;

        Assert.Equal(version, LibTorchFolder.BuiltFor);
    }

    [Theory]
    [InlineData("2.10.0+cu128", "2.10.0", true)]
    [InlineData("2.10.1", "2.10.0", true)]
    [InlineData("2.11.0+cu130", "2.10.0", false)]
    [InlineData("2.1.0", "2.10.0", false)]
    [InlineData("nightly", "2.10.0", false)]
    public void SameRelease_ComparesMajorMinorOnly(string a, string b, bool same) => Assert.Equal(same, LibTorchFolder.SameRelease(a, b));

    [Fact]
    public void Open_Archive_ReadsBuildVersion()
    {
        string lib = Lib("libtorch", buildVersion: "2.10.0+cpu\n");

        var folder = LibTorchFolder.Open(lib, "--libtorch");

        Assert.Equal(("2.10.0+cpu", Path.Combine(temp, "libtorch", "build-version")), (folder.Version, folder.VersionFile));
        Assert.False(folder.IsCuda);
        Assert.Null(folder.Binding);
        Assert.Equal(["libc10.so", "libtorch_cpu.so", "libtorch.so"], folder.Libraries.Select(Path.GetFileName));
    }

    [Fact]
    public void Open_PipTorch_ReadsVersionPy_AndLoadsCudaLibrariesInDependencyOrder()
    {
        string lib = Lib("torch", versionPy: "__version__ = '2.10.0+cu128'\ncuda: Optional[str] = '12.8'\n",
            extra: ["libtorch_cuda.so", "libc10_cuda.so"]);

        var folder = LibTorchFolder.Open(lib + "/", "MODELCOMPRESS_LIBTORCH");

        Assert.Equal("2.10.0+cu128", folder.Version);
        Assert.True(folder.IsCuda);
        Assert.Equal(["libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so"],
            folder.Libraries.Select(Path.GetFileName));
    }

    [Fact]
    public void Open_OtherRelease_NamesBothVersionsAndWhereToGetTheRightOne()
    {
        string lib = Lib("libtorch", buildVersion: "2.5.1");

        var e = Assert.Throws<InvalidInputException>(() => LibTorchFolder.Open(lib, "compute.libtorch"));

        Assert.StartsWith($"compute.libtorch: '{lib}' is libtorch 2.5.1 ", e.Message);
        Assert.Contains($"built for libtorch {LibTorchFolder.BuiltFor}", e.Message);
        Assert.Contains("https://download.pytorch.org/libtorch/", e.Message);
    }

    [Fact]
    public void Open_OtherReleaseWithItsOwnBinding_IsAccepted()
    {
        string lib = Lib("torch", versionPy: "__version__ = \"2.11.0+cu130\"\n", extra: ["libLibTorchSharp.so"]);

        var folder = LibTorchFolder.Open(lib, "--libtorch");

        Assert.Equal(Path.Combine(lib, "libLibTorchSharp.so"), folder.Binding);
    }

    [Fact]
    public void Open_MissingPieces_SayWhatIsMissing()
    {
        Assert.Contains("not found", Assert.Throws<InvalidInputException>(() => LibTorchFolder.Open(temp["none"], "--libtorch")).Message);
        string noVersion = Lib("bare");
        Assert.Contains("cannot tell the libtorch version",
            Assert.Throws<InvalidInputException>(() => LibTorchFolder.Open(noVersion, "--libtorch")).Message);
        File.Delete(Path.Combine(noVersion, "libc10.so"));
        Assert.Contains("has no libc10.so",
            Assert.Throws<InvalidInputException>(() => LibTorchFolder.Open(noVersion, "--libtorch")).Message);
    }

    public void Dispose() => temp.Dispose();
}
