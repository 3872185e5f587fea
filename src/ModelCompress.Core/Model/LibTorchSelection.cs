namespace ModelCompress.Core.Model;

/// <summary>
/// Which libtorch this process uses: the one the tool ships with, or a folder named by <c>--libtorch</c>, then
/// <c>MODELCOMPRESS_LIBTORCH</c>, then <c>compute.libtorch</c> (the first one given wins). It must be chosen before TorchSharp
/// loads its natives. The tool's load context (the CLI's, which runs the tool) reads the choice from <see cref="AppContext"/>
/// data and answers TorchSharp's native loads from the folder; the bundled libtorch is then never mapped.
/// </summary>
public static class LibTorchSelection
{
    /// <summary>The environment variable naming a libtorch <c>lib/</c> folder.</summary>
    public const string EnvironmentVariable = "MODELCOMPRESS_LIBTORCH";

    /// <summary>AppContext data: the chosen folder (absolute), read by the load context.</summary>
    public const string DirectoryKey = "ModelCompress.LibTorch.Directory";

    /// <summary>AppContext data: true when the process runs in the tool's load context, which can redirect native loads.</summary>
    public const string HostKey = "ModelCompress.LibTorch.Host";

    /// <summary>AppContext data: where libtorch was loaded from, set by the load context at TorchSharp's first native load.</summary>
    public const string LoadedKey = "ModelCompress.LibTorch.Loaded";

    /// <summary>The chosen folder; null while the bundled libtorch is used.</summary>
    public static LibTorchFolder? Current { get; private set; }

    /// <summary>Where <see cref="Current"/> was named: --libtorch, MODELCOMPRESS_LIBTORCH or compute.libtorch.</summary>
    public static string? Origin { get; private set; }

    /// <summary>
    /// Uses the folder at <paramref name="path"/> unless one was chosen already (an earlier, higher-precedence choice wins).
    /// </summary>
    /// <exception cref="InvalidInputException">The folder is missing, incomplete or of a mismatched version.</exception>
    /// <exception cref="InvalidOperationException">Not in the tool's process, or libtorch was loaded already.</exception>
    public static LibTorchFolder Use(string path, string origin)
    {
        if (Current is not null) return Current;
        var folder = LibTorchFolder.Open(path, origin);
        if (AppContext.GetData(HostKey) is not true)
            throw new InvalidOperationException($"{origin}: a libtorch folder can only be used by the dotnet-compress executable " +
                                                "(its load context redirects TorchSharp's native loads), not by a host process.");
        if (AppContext.GetData(LoadedKey) is string loaded)
            throw new InvalidOperationException($"{origin}: libtorch was already loaded from {loaded} before the folder was chosen.");
        AppContext.SetData(DirectoryKey, folder.Directory);
        (Current, Origin) = (folder, origin);
        return folder;
    }

    /// <summary>
    /// A pipeline's <c>compute.libtorch</c> (relative to <paramref name="baseDirectory"/>, the pipeline file's folder), when
    /// no higher-precedence folder was given; nothing when <paramref name="path"/> is null.
    /// </summary>
    public static void UseConfigured(string? path, string baseDirectory)
    {
        if (Current is null && path is { Length: > 0 }) Use(Path.GetFullPath(path, baseDirectory), "compute.libtorch");
    }
}
