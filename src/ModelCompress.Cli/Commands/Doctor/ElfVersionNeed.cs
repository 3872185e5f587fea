using System.Text;

namespace ModelCompress.Cli.Commands.Doctor;

/// <summary>
/// Reads whether an ELF64 shared object needs a symbol version (<c>.gnu.version_r</c>) and whether that need is weak
/// (<c>VER_FLG_WEAK</c>): the state of the build's GLIBCXX_3.4.32 fix of libLibTorchSharp.so (build/TorchSharpNative.targets).
/// </summary>
internal static class ElfVersionNeed
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    /// <summary>"weak", "required", "not needed", or "unreadable" for a file that is not a little-endian ELF64 object.</summary>
    public static string State(string file, string version)
    {
        try
        {
            byte[] elf = File.ReadAllBytes(file);
            return Flags(elf, version) switch
            {
                null => "not needed",
                { } flags when (flags & VerFlgWeak) != 0 => "weak",
                _ => "required",
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException or FormatException)
        {
            return "unreadable";
        }
    }

    // The flags of the Vernaux entry named `version`; null when no entry names it.
    private static ushort? Flags(byte[] elf, string version)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1)
            throw new FormatException("not a little-endian ELF64 file");
        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A), shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)(shoff + (long)i * shentsize));
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
            int verneed = checked((int)BitConverter.ToInt64(elf, sh + 24));
            int link = BitConverter.ToInt32(elf, sh + 40), count = BitConverter.ToInt32(elf, sh + 44);
            int strtab = checked((int)BitConverter.ToInt64(elf, checked((int)(shoff + (long)link * shentsize + 24))));
            for (int n = 0; n < count; n++)
            {
                int aux = verneed + (int)BitConverter.ToUInt32(elf, verneed + 8);
                for (int a = 0; a < BitConverter.ToUInt16(elf, verneed + 2); a++)
                {
                    if (CString(elf, strtab + (int)BitConverter.ToUInt32(elf, aux + 8)) == version)
                        return BitConverter.ToUInt16(elf, aux + 4);
                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }
                verneed += (int)BitConverter.ToUInt32(elf, verneed + 12);
            }
        }
        return null;
    }

    private static string CString(byte[] elf, int start)
    {
        int end = Array.IndexOf(elf, (byte)0, start);
        return Encoding.ASCII.GetString(elf, start, end - start);
    }
}
