namespace ModelCompress.Core.Tokenization;

/// <summary>
/// GPT-2's reversible map from the 256 byte values to printable characters: printable Latin-1 bytes map to
/// themselves, the others to U+0100 onwards in byte order (so a space is "Ġ" and a newline "Ċ").
/// </summary>
internal static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = Build();
    private static readonly Dictionary<char, byte> CharToByte =
        Enumerable.Range(0, 256).ToDictionary(b => ByteToChar[b], b => (byte)b);

    public static char ToChar(byte b) => ByteToChar[b];

    public static bool TryToByte(char c, out byte b) => CharToByte.TryGetValue(c, out b);

    /// <summary>The byte-level spelling of UTF-8 bytes, e.g. " héllo" → "ĠhÃ©llo".</summary>
    public static string Encode(ReadOnlySpan<byte> utf8)
    {
        var chars = new char[utf8.Length];
        for (int i = 0; i < utf8.Length; i++) chars[i] = ByteToChar[utf8[i]];
        return new string(chars);
    }

    private static char[] Build()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }
}
