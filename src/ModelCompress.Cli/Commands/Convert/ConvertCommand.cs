using System.CommandLine;
using ModelCompress.Core.Checkpoints;

namespace ModelCompress.Cli.Commands.Convert;

/// <summary><c>dotnet compress convert llama2c</c>: llama2.c checkpoint to a Hugging Face folder.</summary>
public static class ConvertCommand
{
    public static Command Build(TextWriter output)
    {
        var checkpoint = new Option<FileInfo>("--checkpoint")
        {
            Description = "llama2.c checkpoint (.bin, legacy v0 fp32 layout).",
            Required = true,
        };
        var tokenizer = new Option<FileInfo>("--tokenizer")
        {
            Description = "SentencePiece tokenizer of the checkpoint (.model).",
            Required = true,
        };
        var outDir = new Option<DirectoryInfo>("--out")
        {
            Description = "Output folder (Hugging Face layout); replaced if it exists.",
            Required = true,
        };
        var llama2c = new Command("llama2c",
            "Convert a llama2.c checkpoint to a Hugging Face Llama folder (wq/wk rows permuted to the HF rotary layout).")
        {
            checkpoint, tokenizer, outDir,
        };
        llama2c.SetAction(parse =>
        {
            string target = parse.GetValue(outDir)!.FullName;
            Llama2cConverter.Convert(parse.GetValue(checkpoint)!.FullName, parse.GetValue(tokenizer)!.FullName, target);
            output.WriteLine($"wrote {target}");
            return ExitCodes.Success;
        });
        return new Command("convert", "Convert other checkpoint formats to a Hugging Face model folder.") { llama2c };
    }
}
