namespace ModelCompress.Core.Tests;

/// <summary>The shared test kit's contract: folders it creates are removed, and missing data fails with a message.</summary>
public sealed class TestKitTests
{
    [Fact]
    public void TempFolder_Dispose_DeletesTheFolderAndWhatIsInIt()
    {
        var temp = new TempFolder("mc-kit-");
        Directory.CreateDirectory(temp["sub"]);
        File.WriteAllText(Path.Combine(temp, "sub", "a.txt"), "a");
        Assert.StartsWith("mc-kit-", Path.GetFileName(temp.Path));
        Assert.Equal(temp.Path, temp.ToString());
        temp.Dispose();
        Assert.False(Directory.Exists(temp.Path));
        temp.Dispose();
    }

    [Fact]
    public void SharedData_MissingFile_FailsNamingThePathAndTheVariable()
    {
        var e = Assert.Throws<FileNotFoundException>(() => SharedData.Path("models", "no-such-model.bin"));
        Assert.Contains(Path.Combine(SharedData.Root, "models", "no-such-model.bin"), e.Message);
        Assert.Contains("MODELCOMPRESS_DATA", e.Message);
    }

    [Fact]
    public void RepoPaths_Root_HoldsTheSolution() =>
        Assert.True(File.Exists(RepoPaths.Of("ModelCompressTool.sln")), RepoPaths.Root);
}
