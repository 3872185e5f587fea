using System.CommandLine;
using System.Globalization;
using ModelCompress.Core;
using ModelCompress.Core.Pruning;
using ModelCompress.Core.Repair;

namespace ModelCompress.Cli.Commands.Repair;

/// <summary><c>dotnet compress repair</c>: repair a pruned model's cuts without training (linear map or rescale, folded in).</summary>
public static class RepairCommand
{
    public static Command Build(TextWriter output)
    {
        var model = new Option<DirectoryInfo>("--model")
        {
            Description = "Pruned model folder (written by prune: its pruning.json says which layers were removed).", Required = true,
        };
        var outDir = new Option<DirectoryInfo>("--out") { Description = "Output folder; replaced if it exists.", Required = true };
        var method = new Option<string>("--method")
        {
            Description = "linear (ReplaceMe: a least-squares map folded into down_proj) or rescale (Prune&Comp: a magnitude scalar).",
            Required = true,
        }.AcceptOnlyFromAmong([.. EnumNames.Of<RepairMethod>()]);
        var calibration = new Option<FileInfo>("--calibration") { Description = "Calibration text (UTF-8).", Required = true };
        var source = new Option<DirectoryInfo?>("--source")
        {
            Description = "The unpruned model the pruned one came from (default: the source folder its pruning.json records).",
        };
        var ridge = new Option<double>("--ridge")
        {
            Description = "linear: ridge term, relative to the mean diagonal of XᵀX; pulls the map towards the identity.",
            DefaultValueFactory = _ => RepairRequest.DefaultRidge,
        };
        var samples = new Option<int>("--samples") { Description = "Calibration windows.", DefaultValueFactory = _ => 10 };
        var seqLen = new Option<int>("--seq-len") { Description = "Tokens per window.", DefaultValueFactory = _ => 128 };
        var seed = new Option<long>("--seed") { Description = "Seed for window sampling.", DefaultValueFactory = _ => 42 };
        var device = CommonOptions.Device();
        var dtype = CommonOptions.DType();
        var command = new Command("repair",
            "Repair the cuts of a pruned model without training: fit each cut on calibration text against the unpruned model and " +
            "fold the fix into the remaining weights, so the result is a plain checkpoint with the same keys and shapes.\n" +
            "Example: dotnet compress repair --model models/pruned --out models/repaired --method linear --calibration wiki.txt");
        foreach (Option option in new Option[] { model, outDir, method, calibration, source, ridge, samples, seqLen, seed, device, dtype })
            command.Options.Add(option);
        command.SetAction(parse =>
        {
            string pruned = parse.GetValue(model)!.FullName;
            var report = Pruning(pruned);
            string teacher = parse.GetValue(source)?.FullName ?? report.Source.Path;
            if (!Directory.Exists(teacher))
                throw new InvalidInputException($"{pruned}/pruning.json: its source model {teacher} does not exist; " +
                                                "pass the unpruned model with --source DIR.");
            var request = new RepairRequest(pruned, teacher, report.KeptLayers, parse.GetValue(outDir)!.FullName,
                EnumNames.Parse<RepairMethod>(parse.GetValue(method)!, "--method"), parse.GetValue(calibration)!.FullName,
                parse.GetValue(samples), parse.GetValue(seqLen), parse.GetValue(seed), parse.GetValue(ridge));
            var (dev, type) = CommonOptions.Resolve(parse, device, dtype);
            var result = CutRepairer.Repair(request, dev, type, ConsoleProgress.ForStandardError());
            foreach (var cut in result.Cuts)
            {
                string scale = cut.Scale is double s ? $", scale {s.ToString("0.####", CultureInfo.InvariantCulture)}" : "";
                output.WriteLine($"cut {string.Join(",", cut.RemovedLayers)}: stream error {Format(cut.ErrorBefore)} -> " +
                                 $"{Format(cut.ErrorAfter)}{scale}{(cut.Note is null ? "" : $" ({cut.Note})")}");
            }
            output.WriteLine($"wrote {request.Output}");
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    private static PruningReport Pruning(string folder)
    {
        if (!File.Exists(Path.Combine(folder, PruningReport.FileName)))
            throw new InvalidInputException($"{folder}: no {PruningReport.FileName}; repair a folder written by " +
                                            "'dotnet compress prune' (it records the removed layers).");
        return PruningReport.Load(folder);
    }
}
