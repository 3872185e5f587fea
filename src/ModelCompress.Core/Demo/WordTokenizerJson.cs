using System.Text;
using System.Text.Json.Nodes;
using ModelCompress.Core.Tokenization;

namespace ModelCompress.Core.Demo;

/// <summary>
/// Writes a Hugging Face byte-level BPE <c>tokenizer.json</c> whose merges make each given word (and the word after a
/// space) a single token; anything else falls back to bytes. Loadable by transformers and by this tool.
/// </summary>
public static class WordTokenizerJson
{
    public const string Bos = "<s>", Eos = "</s>";

    public static JsonObject Build(IEnumerable<string> words)
    {
        var vocab = new JsonObject();
        var merges = new JsonArray();
        int next = 0;
        void Add(string token)
        {
            if (!vocab.ContainsKey(token)) vocab[token] = next++;
        }
        for (int b = 0; b < 256; b++) Add(ByteLevelAlphabet.Encode([(byte)b]));
        foreach (string word in words.Distinct().SelectMany(w => new[] { w, " " + w }).Append(".").Append(" ."))
        {
            string spelled = ByteLevelAlphabet.Encode(Encoding.UTF8.GetBytes(word));
            for (int i = 2; i <= spelled.Length; i++)
            {
                string left = spelled[..(i - 1)], merged = spelled[..i];
                if (vocab.ContainsKey(merged)) continue;
                merges.Add(JsonValue.Create($"{left} {spelled[i - 1]}"));
                Add(merged);
            }
        }
        JsonObject Special(string content, int id) => new()
        {
            ["id"] = id, ["content"] = content, ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false,
            ["normalized"] = false, ["special"] = true,
        };
        int bos = next++, eos = next++;
        return new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(Special(Bos, bos), Special(Eos, eos)),
            ["normalizer"] = null,
            ["pre_tokenizer"] = new JsonObject
            {
                ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true,
            },
            ["post_processor"] = null,
            ["decoder"] = new JsonObject
            {
                ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true,
            },
            ["model"] = new JsonObject
            {
                // ignore_merges: a pre-token that is a vocabulary word is one token, whatever the merge order.
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["ignore_merges"] = true,
                ["vocab"] = vocab, ["merges"] = merges,
            },
        };
    }

    /// <summary>Writes tokenizer.json and tokenizer_config.json into <paramref name="folder"/>; returns the vocabulary size.</summary>
    public static int Write(string folder, IEnumerable<string> words)
    {
        var json = Build(words);
        File.WriteAllText(Path.Combine(folder, "tokenizer.json"), json.ToJsonString());
        var config = new JsonObject
        {
            ["tokenizer_class"] = "PreTrainedTokenizerFast",
            ["bos_token"] = Bos,
            ["eos_token"] = Eos,
            ["add_bos_token"] = true,
        };
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), config.ToJsonString(JsonDefaults.Indented));
        return json["model"]!["vocab"]!.AsObject().Count + json["added_tokens"]!.AsArray().Count;
    }
}
