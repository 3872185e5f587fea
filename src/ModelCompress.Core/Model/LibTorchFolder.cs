using System.Reflection;
using System.Text.RegularExpressions;

namespace ModelCompress.Core.Model;

/// <summary>
/// A libtorch <c>lib/</c> folder given at run time instead of the libtorch the tool ships with: the official libtorch archive's
/// <c>libtorch/lib</c> (version in <c>../build-version</c>) or a pip-installed torch's <c>site-packages/torch/lib</c> (version in
/// <c>../version.py</c>). <see cref="Libraries"/> are loaded by full path, in dependency order, before TorchSharp's binding,
/// so the binding's needs resolve to them by SONAME.
/// </summary>
/// <param name="Directory">The absolute <c>lib/</c> folder.</param>
/// <param name="Version">The folder's libtorch version as written there (<c>2.10.0+cpu</c>, <c>2.11.0+cu130</c>).</param>
/// <param name="VersionFile">The file the version was read from.</param>
public sealed partial record LibTorchFolder(string Directory, string Version, string VersionFile)
{
    /// <summary>The libraries loaded from the folder, in dependency order (the CUDA ones only where present).</summary>
    public static readonly IReadOnlyList<string> LoadOrder =
        ["libc10.so", "libc10_cuda.so", "libtorch_cpu.so", "libtorch_cuda.so", "libtorch.so"];

    private static readonly string[] Required = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];

    /// <summary>The libtorch version the tool was built with (the restored libtorch package, recorded at build time).</summary>
    public static string BuiltFor { get; } = typeof(LibTorchFolder).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "LibTorchVersion")?.Value ?? "unknown";

    /// <summary>The folder's libraries that exist, as full paths in <see cref="LoadOrder"/>.</summary>
    public IReadOnlyList<string> Libraries =>
        LoadOrder.Select(name => Path.Combine(Directory, name)).Where(File.Exists).ToList();

    /// <summary>True when the folder holds a CUDA build (<c>libtorch_cuda.so</c>).</summary>
    public bool IsCuda => File.Exists(Path.Combine(Directory, "libtorch_cuda.so"));

    /// <summary>
    /// A TorchSharp binding (<c>libLibTorchSharp.so</c>) compiled against this folder's libtorch from the sources of the tool's
    /// TorchSharp version, used instead of the bundled binding; null when the folder has none.
    /// </summary>
    public string? Binding => File.Exists(Path.Combine(Directory, BindingFile)) ? Path.Combine(Directory, BindingFile) : null;

    private const string BindingFile = "libLibTorchSharp.so";

    /// <summary>
    /// Opens and checks a folder named by <paramref name="origin"/> (<c>--libtorch</c>, <c>MODELCOMPRESS_LIBTORCH</c>,
    /// <c>compute.libtorch</c>): it must exist, hold libtorch's libraries and a version file, and its version must match
    /// <see cref="BuiltFor"/> in major.minor unless it brings its own <see cref="Binding"/>.
    /// </summary>
    /// <exception cref="InvalidInputException">The folder is missing, incomplete, or of another libtorch version.</exception>
    public static LibTorchFolder Open(string path, string origin)
    {
        string dir = Path.GetFullPath(path);
        if (!System.IO.Directory.Exists(dir))
            throw new InvalidInputException($"{origin}: libtorch folder '{path}' not found ({dir}). Give the lib/ folder of a libtorch " +
                                            "archive (libtorch/lib) or of a pip-installed torch (site-packages/torch/lib).");
        if (Required.FirstOrDefault(name => !File.Exists(Path.Combine(dir, name))) is { } missing)
            throw new InvalidInputException($"{origin}: '{dir}' has no {missing}: not a libtorch lib/ folder. Give libtorch/lib of " +
                                            "an archive from https://pytorch.org/get-started/locally/ or site-packages/torch/lib " +
                                            "of pip's torch.");
        var (version, file) = ReadVersion(dir) ?? throw new InvalidInputException(
            $"{origin}: cannot tell the libtorch version of '{dir}': neither ../build-version (libtorch archive) nor " +
            "../version.py (pip torch) is there. Give the lib/ folder inside an unpacked archive or a torch installation.");
        var folder = new LibTorchFolder(dir, version, file);
        if (folder.Binding is null && !SameRelease(version, BuiltFor))
            throw new InvalidInputException(Mismatch(origin, folder));
        return folder;
    }

    /// <summary>The version and its file: an archive's <c>../build-version</c>, <c>__version__</c> of pip's <c>../version.py</c>.</summary>
    public static (string Version, string File)? ReadVersion(string libDirectory)
    {
        string parent = Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(libDirectory)) ?? libDirectory;
        string archive = Path.Combine(parent, "build-version"), pip = Path.Combine(parent, "version.py");
        if (File.Exists(archive) && File.ReadAllText(archive).Trim() is { Length: > 0 } text) return (text, archive);
        if (File.Exists(pip) && PipVersion().Match(File.ReadAllText(pip)) is { Success: true } m) return (m.Groups[1].Value, pip);
        return null;
    }

    /// <summary>True when both versions have the same major.minor; local suffixes (<c>+cpu</c>, <c>+cu130</c>) are ignored.</summary>
    public static bool SameRelease(string a, string b) => MajorMinor(a) is { } x && x == MajorMinor(b);

    /// <summary>The first two numbers of a version (<c>2.10.0+cu128</c> → <c>2.10</c>); null when it has none.</summary>
    public static string? MajorMinor(string version) => Release().Match(version) is { Success: true } m ? m.Value : null;

    private static string Mismatch(string origin, LibTorchFolder folder)
    {
        string release = MajorMinor(BuiltFor) ?? BuiltFor;
        return $"{origin}: '{folder.Directory}' is libtorch {folder.Version} ({folder.VersionFile}), but this tool's TorchSharp " +
               $"binding is built for libtorch {BuiltFor}: the two must match in major.minor. Get libtorch {release} from " +
               $"https://download.pytorch.org/libtorch/ (e.g. cu128/libtorch-shared-with-deps-{BuiltFor}%2Bcu128.zip, or cpu/…) " +
               $"or install it with pip install 'torch=={release}.*' and give site-packages/torch/lib; or put a libLibTorchSharp.so " +
               "built from the same TorchSharp version against this libtorch into the folder.";
    }

    [GeneratedRegex(@"^\s*__version__\s*=\s*['""]([^'""]+)['""]", RegexOptions.Multiline)]
    private static partial Regex PipVersion();

    [GeneratedRegex(@"^\d+\.\d+")]
    private static partial Regex Release();
}
