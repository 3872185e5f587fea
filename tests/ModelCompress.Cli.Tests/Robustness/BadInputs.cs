using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;

namespace ModelCompress.Cli.Tests.Robustness;

/// <summary>
/// Makes broken copies of a real model folder (stories260K converted to the HF layout): each class of malformed input the
/// tool must answer with exit 2 and a message naming the file and the problem.
/// </summary>
public sealed class BadInputs
{
    public BadInputs(string root)
    {
        Root = root;
        Good = Path.Combine(root, "good");
        var convert = CliTestData.RunInProcess("convert", "llama2c",
            "--checkpoint", SharedData.Stories260K,
            "--tokenizer", SharedData.Tok512, "--out", Good);
        Assert.True(convert.Code == 0, convert.Err);
    }

    public string Root { get; }
    public string Good { get; }

    /// <summary>A copy of the good folder named <paramref name="name"/>, changed by <paramref name="change"/>.</summary>
    public string Folder(string name, Action<string> change)
    {
        string folder = Path.Combine(Root, name);
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.GetFiles(Good)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)), overwrite: true);
        foreach (string file in Directory.GetFiles(folder)) File.SetAttributes(file, FileAttributes.Normal);
        change(folder);
        return folder;
    }

    public static void EditConfig(string folder, Action<JsonObject> edit)
    {
        string path = Path.Combine(folder, "config.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        edit(json);
        File.WriteAllText(path, json.ToJsonString());
    }

    /// <summary>The header JSON and data section of a safetensors file.</summary>
    public static (JsonObject Header, byte[] Data) ReadSafetensors(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        long n = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        return (JsonNode.Parse(bytes.AsSpan(8, (int)n))!.AsObject(), bytes[(8 + (int)n)..]);
    }

    public static void WriteSafetensors(string path, string header, byte[] data)
    {
        byte[] h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, h.Length);
        h.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + h.Length);
        File.WriteAllBytes(path, bytes);
    }

    public static void EditHeader(string folder, Action<JsonObject> edit)
    {
        string path = Path.Combine(folder, "model.safetensors");
        var (header, data) = ReadSafetensors(path);
        edit(header);
        WriteSafetensors(path, header.ToJsonString(), data);
    }

    /// <summary>The classes of broken model folders, each with a phrase its error message must contain.</summary>
    public IEnumerable<(string Name, string Folder, string Expect)> ModelClasses()
    {
        yield return ("truncated-config", Folder("truncated-config", f => File.WriteAllText(Path.Combine(f, "config.json"),
            File.ReadAllText(Path.Combine(Good, "config.json"))[..120])), "config.json:");
        yield return ("config-not-object", Folder("config-not-object", f => File.WriteAllText(Path.Combine(f, "config.json"), "[1, 2]")),
            "expected a JSON object");
        yield return ("heads-do-not-divide", Folder("heads-do-not-divide", f => EditConfig(f, c => c["num_attention_heads"] = 6)),
            "must divide hidden_size");
        yield return ("kv-heads-do-not-divide", Folder("kv-heads-do-not-divide", f => EditConfig(f, c => c["num_key_value_heads"] = 3)),
            "num_key_value_heads (3) must divide num_attention_heads (8)");
        yield return ("zero-layers", Folder("zero-layers", f => EditConfig(f, c => c["num_hidden_layers"] = 0)),
            "'num_hidden_layers' must be at least 1");
        yield return ("mistyped-field", Folder("mistyped-field", f => EditConfig(f, c => c["hidden_size"] = "64")),
            "'hidden_size' must be a whole number");
        yield return ("header-not-object", Folder("header-not-object", f =>
            WriteSafetensors(Path.Combine(f, "model.safetensors"), "[1,2,3]", ReadSafetensors(Path.Combine(f, "model.safetensors")).Data)),
            "header is not a JSON object");
        yield return ("tensor-missing", Folder("tensor-missing", f => EditConfig(f, c => c["num_hidden_layers"] = 6)),
            "missing: model.layers.5.");
        yield return ("tensor-unexpected", Folder("tensor-unexpected", f => EditConfig(f, c => c["num_hidden_layers"] = 4)),
            "does not describe: model.layers.4.");
        yield return ("tensor-wrong-shape", Folder("tensor-wrong-shape", f => EditHeader(f, h => h["model.norm.weight"]!["shape"] = new JsonArray(32, 2))),
            "'model.norm.weight' has shape [32, 2] but the config implies [64]");
        yield return ("weights-nan", Folder("weights-nan", f =>
        {
            string path = Path.Combine(f, "model.safetensors");
            var (header, data) = ReadSafetensors(path);
            for (int i = 0; i < data.Length; i += 4) BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i), float.NaN);
            WriteSafetensors(path, header.ToJsonString(), data);
        }), "NaN");
    }
}
