using ModelCompress.Core.Checkpoints;

namespace ModelCompress.Core.Tests.Model;

/// <summary>stories260K converted once to an HF folder for all tests of a class.</summary>
public sealed class Stories260KFixture : IDisposable
{
    private readonly TempFolder temp = new();

    public Stories260KFixture()
    {
        Folder = temp["stories260K"];
        Llama2cConverter.Convert(SharedData.Stories260K, SharedData.Tok512, Folder);
    }

    public string Folder { get; }

    public void Dispose() => temp.Dispose();
}
