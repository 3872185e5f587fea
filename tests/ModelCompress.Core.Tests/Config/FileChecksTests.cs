using ModelCompress.Core.Config;
using ModelCompress.Core.Pipeline;
using ModelCompress.Core.Pipeline.Stages;

namespace ModelCompress.Core.Tests.Config;

/// <summary>Local files named by a pipeline must exist before any work starts (validate and run both load the file).</summary>
public sealed class FileChecksTests : IDisposable
{
    private readonly TempFolder temp = new("mc-filechecks-");

    private string Write(string yaml)
    {
        string file = Path.Combine(temp, "pruning.yaml");
        File.WriteAllText(file, yaml);
        return file;
    }

    [Fact]
    public void MissingLocalFiles_AreReportedWithLineColumnAndTheResolvedPath()
    {
        string file = Write("""
            name: x
            model: { source: models/base }
            calibration: { text: calib.txt }
            stages:
              - { id: score, type: score, metric: block-influence }
              - { id: heal, type: finetune, data: train.json }
              - { id: eval, type: evaluate, tasks: [arc_easy, tasks/mine.json], perplexity: [wikitext2, held.txt], data: nowhere }
            """);
        var errors = Assert.Throws<ConfigException>(() => PipelineConfigLoader.Load(file)).Errors.Select(e => e.ToString()).ToList();
        Assert.Equal(
        [
            $"{file}:2:18: model.source: model folder 'models/base' not found ({temp}/models/base). Hint: give a folder with config.json, safetensors and a tokenizer, or a blob URL (az://ACCOUNT/CONTAINER/PREFIX).",
            $"{file}:3:22: calibration.text: file 'calib.txt' not found ({temp}/calib.txt). Hint: paths are relative to the pipeline file's folder.",
            $"{file}:6:39: stages[1].data: file 'train.json' not found ({temp}/train.json). Hint: paths are relative to the pipeline file's folder.",
            $"{file}:7:51: stages[2].tasks[1]: file 'tasks/mine.json' not found ({temp}/tasks/mine.json). Hint: paths are relative to the pipeline file's folder.",
            $"{file}:7:93: stages[2].perplexity[1]: file 'held.txt' not found ({temp}/held.txt). Hint: paths are relative to the pipeline file's folder; give an existing file or a corpus name (wikitext, wikitext_fixed, wikitext2, ptb).",
            $"{file}:7:110: stages[2].data: benchmark folder 'nowhere' not found. Hint: omit data to use $MODELCOMPRESS_DATA/eval.",
        ], errors);
    }

    [Fact]
    public void ExistingFiles_BlobUrls_BuiltinPaths_AndCorpusNames_Pass()
    {
        // A real model folder: validate checks its config and tensor headers too.
        ModelCompress.Core.Checkpoints.Llama2cConverter.Convert(SharedData.Stories260K, SharedData.Tok512, Path.Combine(temp, "base"));
        File.WriteAllText(Path.Combine(temp, "train.txt"), "text");
        string file = Write("""
            name: x
            model: { source: base }
            calibration: { text: builtin:demo/calibration.txt }
            stages:
              - { id: heal, type: finetune, data: train.txt, format: text }
              - { id: eval, type: evaluate, tasks: [arc_easy], perplexity: [wikitext2, ptb] }
            """);
        Assert.Equal("x", PipelineConfigLoader.Load(file).Name);
        Assert.Equal("x", PipelineConfigLoader.Load(file, ["model.source=az://acct/models/base"]).Name);
    }

    [Fact]
    public void FolderWithoutConfig_IsNotAModel()
    {
        Directory.CreateDirectory(Path.Combine(temp, "empty"));
        var error = Assert.Single(Assert.Throws<ConfigException>(() => PipelineConfigLoader.Load(Write("name: x\nmodel: { source: empty }\nstages: []\n"))).Errors);
        Assert.Equal("'empty' has no config.json: not a Hugging Face model folder.", error.Message);
    }

    public void Dispose() => temp.Dispose();
}
