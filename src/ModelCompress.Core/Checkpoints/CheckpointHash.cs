using System.Security.Cryptography;

namespace ModelCompress.Core.Checkpoints;

/// <summary>
/// The content hash of a model's checkpoint: SHA-256 over config.json and the safetensors files (each file's name, then its
/// bytes, in ordinal name order), written <c>sha256:HEX</c>. The eval verb records it as results.json's <c>model_hash</c>.
/// Tokenizer files are not part of it.
/// </summary>
public static class CheckpointHash
{
    public static string Of(string folder)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var files = Directory.GetFiles(folder, "*.safetensors").Append(Path.Combine(folder, "config.json")).Order(StringComparer.Ordinal);
        var buffer = new byte[1 << 20];
        foreach (string file in files)
        {
            sha.AppendData(System.Text.Encoding.UTF8.GetBytes(Path.GetFileName(file)));
            using var stream = File.OpenRead(file);
            int n;
            while ((n = stream.Read(buffer)) > 0) sha.AppendData(buffer, 0, n);
        }
        return "sha256:" + Convert.ToHexStringLower(sha.GetHashAndReset());
    }
}
