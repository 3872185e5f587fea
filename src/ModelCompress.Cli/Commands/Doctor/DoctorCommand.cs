using System.CommandLine;
using System.Globalization;
using System.Text.Json;

namespace ModelCompress.Cli.Commands.Doctor;

/// <summary><c>dotnet compress doctor</c>: which libtorch this process loads, what it finds, and what <c>auto</c> would pick.</summary>
public static class DoctorCommand
{
    public static Command Build(TextWriter output)
    {
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON object." };
        var command = new Command("doctor",
            "Load libtorch as a run would (bundled, or the folder of --libtorch / MODELCOMPRESS_LIBTORCH) and report: the libtorch " +
            "path, version and backend, the files mapped, the TorchSharp binding and its GLIBCXX fix, CUDA and cuDNN, each device " +
            "with memory and bf16 support, threads, and what device: auto and dtype: auto pick.\n" +
            "Exit 0 when libtorch loads, 2 for a missing or mismatched libtorch folder, 1 when libtorch fails to load.")
        {
            json,
        };
        command.SetAction(parse =>
        {
            DoctorReport report;
            try { report = DoctorFacts.Gather(); }
            catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or NotSupportedException
                                          or EntryPointNotFoundException or BadImageFormatException)
            {
                parse.InvocationConfiguration.Error.WriteLine($"error: libtorch did not load: {Innermost(e).Message}");
                return ExitCodes.UnexpectedError;
            }
            if (parse.GetValue(json)) output.WriteLine(JsonSerializer.Serialize(report, Core.JsonDefaults.Indented));
            else Write(output, report);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Write(TextWriter o, DoctorReport r)
    {
        var lib = r.Libtorch;
        o.WriteLine($"tool:      ModelCompressTool {r.ToolVersion}, TorchSharp {r.TorchsharpVersion} (built for libtorch {lib.BuiltFor})");
        o.WriteLine($"libtorch:  {lib.Version}, {lib.Backend} backend, from {lib.Source}: {lib.Directory}");
        if (lib.VersionFile is not null) o.WriteLine($"           version read from {lib.VersionFile}");
        foreach (string file in lib.Mapped) o.WriteLine($"           mapped {file}");
        o.WriteLine($"binding:   {r.Binding.Path ?? "not mapped"}: {r.Binding.VersionNeed} need {r.Binding.VersionNeedState}");
        var c = r.Cuda;
        o.WriteLine($"cuda:      {(c.Available ? "available" : "not available")}, {c.DeviceCount} device(s); cuDNN " +
                    $"{(c.CudnnAvailable ? "available" : "not available")}; CUDA version {c.CudaVersion}; cuDNN version {c.CudnnVersion}");
        o.WriteLine("devices:");
        foreach (var d in r.Devices)
            o.WriteLine($"  {d.Name,-8} {d.Description}; memory {Memory(d.MemoryBytes)}; bf16 " +
                        $"{(d.Bf16 switch { true => "yes", false => "no", null => "unknown" })} ({d.Bf16Note})");
        o.WriteLine($"threads:   {r.Threads.IntraOp} intra-op, {r.Threads.InterOp} inter-op, {r.Threads.Cores} cores");
        o.WriteLine($"auto:      device: {r.Auto.Device}, dtype: {r.Auto.Dtype}");
    }

    private static string Memory(long? bytes) =>
        bytes is { } b ? string.Create(CultureInfo.InvariantCulture, $"{b / 1073741824.0:F1} GiB") : "unknown";

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
