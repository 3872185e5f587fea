using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Copies an ELF64 little-endian shared object and sets VER_FLG_WEAK on the .gnu.version_r entry named
/// <see cref="VersionName"/>, so a missing symbol version is tolerated by the dynamic loader. Writes to a temp file,
/// then renames; skips the work when the destination is newer than the source.
/// </summary>
public sealed class WeakenElfVersionNeed : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required] public string Source { get; set; } = "";
    [Required] public string Destination { get; set; } = "";
    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        if (File.Exists(Destination) && File.GetLastWriteTimeUtc(Destination) >= File.GetLastWriteTimeUtc(Source))
            return true;
        byte[] elf = File.ReadAllBytes(Source);
        int patched = Patch(elf);
        if (patched < 0)
        {
            Log.LogError("'{0}' is not a little-endian ELF64 file with a .gnu.version_r section.", Source);
            return false;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Destination)!);
        string temp = Destination + ".tmp";
        File.WriteAllBytes(temp, elf);
        if (File.Exists(Destination)) File.Delete(Destination);
        File.Move(temp, Destination);
        Log.LogMessage(MessageImportance.Normal, "Marked {0} weak in {1} ({2} entries).", VersionName, Destination, patched);
        return true;
    }

    private int Patch(byte[] elf)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[4] != 2 || elf[5] != 1) return -1;
        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (BitConverter.ToUInt32(elf, (int)sh + 4) != ShtGnuVerneed) continue;
            long offset = BitConverter.ToInt64(elf, (int)sh + 24);
            int link = BitConverter.ToInt32(elf, (int)sh + 40);
            int count = BitConverter.ToInt32(elf, (int)sh + 44);
            long strtab = BitConverter.ToInt64(elf, (int)(shoff + (long)link * shentsize + 24));
            return WeakenEntries(elf, offset, count, strtab);
        }
        return -1;
    }

    private int WeakenEntries(byte[] elf, long verneed, int count, long strtab)
    {
        int patched = 0;
        for (int n = 0; n < count; n++)
        {
            int auxCount = BitConverter.ToUInt16(elf, (int)verneed + 2);
            long aux = verneed + BitConverter.ToUInt32(elf, (int)verneed + 8);
            for (int a = 0; a < auxCount; a++)
            {
                long name = strtab + BitConverter.ToUInt32(elf, (int)aux + 8);
                if (ReadString(elf, name) == VersionName)
                {
                    ushort flags = (ushort)(BitConverter.ToUInt16(elf, (int)aux + 4) | VerFlgWeak);
                    elf[aux + 4] = (byte)flags;
                    elf[aux + 5] = (byte)(flags >> 8);
                    patched++;
                }
                aux += BitConverter.ToUInt32(elf, (int)aux + 12);
            }
            verneed += BitConverter.ToUInt32(elf, (int)verneed + 12);
        }
        return patched;
    }

    private static string ReadString(byte[] elf, long start)
    {
        long end = start;
        while (elf[end] != 0) end++;
        return Encoding.ASCII.GetString(elf, (int)start, (int)(end - start));
    }
}
