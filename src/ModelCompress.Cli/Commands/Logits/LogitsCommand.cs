using System.CommandLine;
using ModelCompress.Core;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Tokenization;
using static TorchSharp.torch;

namespace ModelCompress.Cli.Commands.Logits;

/// <summary>
/// <c>dotnet compress logits</c>: one forward pass over a prompt, its logits written to a safetensors file, so that two devices,
/// dtypes or implementations can be compared outside the tool (gpu/check.sh compares CUDA with CPU).
/// </summary>
public static class LogitsCommand
{
    public static Command Build(TextWriter output)
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Hugging Face model folder.", Required = true };
        var prompt = new Option<string>("--prompt")
        {
            Description = "Text to run (BOS is prepended when the tokenizer has one).",
            DefaultValueFactory = _ => "",
        };
        var outFile = new Option<FileInfo>("--out")
        {
            Description = "safetensors file to write: logits (T, vocab) F32 and ids (T) I64.",
            Required = true,
        };
        var device = CommonOptions.Device();
        var dtype = CommonOptions.DType();
        var command = new Command("logits", "Run one forward pass over a prompt and write its logits (as fp32) to a safetensors file.")
        {
            model, prompt, outFile, device, dtype,
        };
        command.SetAction(parse =>
        {
            string folder = parse.GetValue(model)!.FullName;
            var (dev, type) = CommonOptions.Resolve(parse, device, dtype);
            TensorInventory.Validate(folder);
            var tokenizer = TokenizerLoader.FromFolder(folder);
            var ids = tokenizer.Encode(parse.GetValue(prompt)!, addBos: tokenizer.BosId is not null);
            if (ids.Count == 0)
                throw new InvalidInputException("--prompt: the prompt encodes to no tokens and the tokenizer has no BOS; give some text.");
            using var llm = HfModelFolder.Load(folder, dev, type);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var input = tensor(ids.Select(i => (long)i).ToArray(), dtype: ScalarType.Int64, device: dev).unsqueeze(0); // (1, T)
            var logits = llm.forward(input)[0].to(ScalarType.Float32).cpu(); // (T, vocab)
            string path = parse.GetValue(outFile)!.FullName;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            SafetensorsWriter.Write(path, [TensorToWrite.From("logits", logits), TensorToWrite.From("ids", input[0].cpu())],
                new Dictionary<string, string> { ["device"] = dev.ToString(), ["dtype"] = type.ToString() });
            output.WriteLine($"wrote {path}: {ids.Count} tokens x {logits.shape[1]} logits ({dev}, {type})");
            return ExitCodes.Success;
        });
        return command;
    }
}
