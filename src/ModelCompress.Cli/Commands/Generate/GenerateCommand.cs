using System.CommandLine;
using ModelCompress.Core;
using ModelCompress.Core.Checkpoints;
using ModelCompress.Core.Model;
using ModelCompress.Core.Tokenization;

namespace ModelCompress.Cli.Commands.Generate;

/// <summary><c>dotnet compress generate</c>: continue a prompt with a model folder.</summary>
public static class GenerateCommand
{
    public static Command Build(TextWriter output)
    {
        var model = new Option<DirectoryInfo>("--model") { Description = "Hugging Face model folder.", Required = true };
        var prompt = new Option<string>("--prompt") { Description = "Text to continue (BOS is prepended).", DefaultValueFactory = _ => "" };
        var maxNew = new Option<int>("--max-new-tokens") { Description = "Tokens to generate at most.", DefaultValueFactory = _ => 128 };
        var temperature = new Option<double>("--temperature")
        {
            Description = "0 = greedy; higher samples more freely.",
            DefaultValueFactory = _ => 0.0,
        };
        var seed = new Option<long>("--seed") { Description = "Sampling seed.", DefaultValueFactory = _ => 42 };
        var device = CommonOptions.Device();
        var dtype = CommonOptions.DType();
        var command = new Command("generate", "Generate a continuation of a prompt (greedy by default).")
        {
            model, prompt, maxNew, temperature, seed, device, dtype,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(maxNew) < 1) throw new InvalidInputException("--max-new-tokens must be at least 1.");
            if (!(parse.GetValue(temperature) >= 0) || !double.IsFinite(parse.GetValue(temperature)))
                throw new InvalidInputException(
                    $"--temperature must be 0 (greedy) or a positive number (got {parse.GetValue(temperature)}).");
            string folder = parse.GetValue(model)!.FullName;
            var (dev, type) = CommonOptions.Resolve(parse, device, dtype);
            TensorInventory.Validate(folder); // cheap checks first: a bad folder fails before the tokenizer or weights are read
            var tokenizer = TokenizerLoader.FromFolder(folder);
            using var llm = HfModelFolder.Load(folder, dev, type);
            var ids = tokenizer.Encode(parse.GetValue(prompt)!, addBos: tokenizer.BosId is not null);
            var stop = tokenizer.EosId is int eos ? new[] { eos } : [];
            var options = new GenerationOptions(parse.GetValue(maxNew), parse.GetValue(temperature), parse.GetValue(seed), stop);
            var generated = new List<int>();
            string printed = "";
            TextGenerator.Generate(llm, ids, options, token =>
            {
                // Decode the whole continuation each step so multi-byte characters and leading spaces come out right.
                generated.Add(token);
                string text = tokenizer.Decode(generated);
                output.Write(text[printed.Length..]);
                printed = text;
            });
            output.WriteLine();
            return ExitCodes.Success;
        });
        return command;
    }
}
