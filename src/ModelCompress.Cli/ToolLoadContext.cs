using System.Reflection;
using System.Runtime.Loader;
using ModelCompress.Core.Model;

namespace ModelCompress.Cli;

/// <summary>
/// The tool runs in this load context so that it, not the runtime's probing, answers TorchSharp's native loads. TorchSharp
/// 0.107 first loads <c>torch_cpu</c> (<c>torch_cuda</c>) with <c>NativeLibrary.TryLoad(name, assembly)</c>, which ignores a
/// DllImportResolver and would map the bundled libtorch next to a folder's copy (two dispatchers: an abort at load);
/// a load context's <see cref="LoadUnmanagedDll"/> is asked first by both that call and the binding's DllImports. When
/// <see cref="LibTorchSelection"/> has chosen a folder, its libraries are loaded by full path in dependency order before the
/// binding, whose needs (libtorch.so, libtorch_cpu.so, libc10.so) then resolve by SONAME to them.
/// </summary>
internal sealed class ToolLoadContext(string mainAssembly) : AssemblyLoadContext("dotnet-compress")
{
    // The assemblies that see TorchSharp's types share the context with it; everything else comes from the default context.
    private static readonly HashSet<string> Own = ["dotnet-compress", "ModelCompress.Core", "TorchSharp"];
    private static readonly HashSet<string> TorchLibraries = ["c10", "c10_cuda", "torch", "torch_cpu", "torch_cuda", "LibTorchSharp"];

    private readonly AssemblyDependencyResolver resolver = new(mainAssembly);
    private readonly Lock gate = new();
    private bool preloaded;

    /// <summary>Runs the command line inside a fresh tool context (directly where the tool is a single-file bundle).</summary>
    public static int Run(string[] args)
    {
        var self = typeof(ToolLoadContext).Assembly;
        if (self.Location.Length == 0) return CliApp.RunConsole(args);
        var context = new ToolLoadContext(self.Location);
        AppContext.SetData(LibTorchSelection.HostKey, true);
        var app = context.LoadFromAssemblyName(self.GetName());
        var run = app.GetType(typeof(CliApp).FullName!)!.GetMethod(nameof(CliApp.RunConsole))!;
        return (int)run.Invoke(null, BindingFlags.DoNotWrapExceptions, null, [args], null)!;
    }

    protected override Assembly? Load(AssemblyName name) =>
        name.Name is { } simple && Own.Contains(simple) && resolver.ResolveAssemblyToPath(name) is { } path
            ? LoadFromAssemblyPath(path)
            : null;

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        string stem = Stem(unmanagedDllName);
        if (!TorchLibraries.Contains(stem)) return IntPtr.Zero;
        lock (gate)
        {
            if (AppContext.GetData(LibTorchSelection.DirectoryKey) is not string folder)
            {
                AppContext.SetData(LibTorchSelection.LoadedKey, "the tool's bundled libtorch");
                return IntPtr.Zero;
            }
            if (!preloaded)
            {
                foreach (string name in LibTorchFolder.LoadOrder.Where(n => File.Exists(Path.Combine(folder, n))))
                    LoadUnmanagedDllFromPath(Path.Combine(folder, name));
                AppContext.SetData(LibTorchSelection.LoadedKey, folder);
                preloaded = true;
            }
            string file = Path.Combine(folder, $"lib{stem}.so");
            if (File.Exists(file)) return LoadUnmanagedDllFromPath(file);
            // The bundled binding suits a folder of the matching version; a bundled libtorch library never does.
            if (stem == "LibTorchSharp") return IntPtr.Zero;
            throw new DllNotFoundException($"{file} is not in the libtorch folder {folder}.");
        }
    }

    // "torch_cpu", "libtorch_cpu.so", "libtorch_cpu" → "torch_cpu"; "LibTorchSharp", "libLibTorchSharp.so" → "LibTorchSharp".
    private static string Stem(string name)
    {
        string file = Path.GetFileName(name);
        int so = file.IndexOf(".so", StringComparison.Ordinal);
        if (so >= 0) file = file[..so];
        return file.StartsWith("lib", StringComparison.Ordinal) ? file[3..] : file;
    }
}
