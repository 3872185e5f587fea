using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;

namespace ModelCompress.Core.Tests.Reporting;

/// <summary>
/// An 8-bit RGB or RGBA PNG decoded to pixels (what rsvg-convert writes): chunks read, IDAT inflated, scanline filters
/// undone (PNG spec §9). Enough to count what a chart drew; interlaced or palette images are refused.
/// </summary>
internal sealed class PngImage
{
    public int Width { get; }
    public int Height { get; }
    private readonly byte[] pixels; // (Height, Width, 4) RGBA
    private PngImage(int width, int height, byte[] rgba) => (Width, Height, pixels) = (width, height, rgba);

    public (byte R, byte G, byte B, byte A) this[int x, int y]
    {
        get { int i = (y * Width + x) * 4; return (pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]); }
    }

    /// <summary>Pixels darker than near-white: what the chart drew on its background.</summary>
    public int Drawn()
    {
        int drawn = 0;
        for (int y = 0; y < Height; y++)
            for (int x = 0; x < Width; x++)
                if (this[x, y] is var (r, g, b, _) && r + g + b < 600) drawn++;
        return drawn;
    }

    /// <summary>Renders an SVG file with Debian's rsvg-convert (package librsvg2-bin) to a temporary PNG and decodes it.</summary>
    public static PngImage Render(string svgPath)
    {
        string png = Path.Combine(Path.GetTempPath(), $"mc-chart-{Guid.NewGuid():N}.png");
        ProcessStartInfo start = new("rsvg-convert", ["-o", png, svgPath]) { RedirectStandardError = true };
        Process process;
        try { process = Process.Start(start)!; }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("rsvg-convert is not installed: apt-get install librsvg2-bin (.ci/run does).", e);
        }
        using (process)
        {
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0) throw new InvalidOperationException($"rsvg-convert {svgPath} failed: {error}");
        }
        try { return Decode(File.ReadAllBytes(png)); }
        finally { File.Delete(png); }
    }

    public static PngImage Decode(byte[] png)
    {
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (int at = 8; at < png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = System.Text.Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                (width, height) = (BinaryPrimitives.ReadInt32BigEndian(data), BinaryPrimitives.ReadInt32BigEndian(data[4..]));
                if (data[8] != 8 || data[12] != 0 || data[9] is not (2 or 6))
                    throw new NotSupportedException($"PNG depth {data[8]}, colour type {data[9]}, interlace {data[12]}");
                channels = data[9] == 6 ? 4 : 3;
            }
            else if (type == "IDAT") idat.Write(data);
            at += 12 + length;
        }
        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress)) zlib.CopyTo(inflated);
        return new PngImage(width, height, Unfilter(inflated.ToArray(), width, height, channels));
    }

    private static byte[] Unfilter(byte[] raw, int width, int height, int channels)
    {
        int stride = width * channels;
        var current = new byte[stride];
        var previous = new byte[stride];
        var rgba = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
        {
            int row = y * (stride + 1);
            byte filter = raw[row];
            for (int i = 0; i < stride; i++)
            {
                int a = i >= channels ? current[i - channels] : 0, b = previous[i], c = i >= channels ? previous[i - channels] : 0;
                int predictor = filter switch
                {
                    0 => 0, 1 => a, 2 => b, 3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new NotSupportedException($"PNG filter {filter}"),
                };
                current[i] = (byte)(raw[row + 1 + i] + predictor);
            }
            for (int x = 0; x < width; x++)
                for (int k = 0; k < 4; k++) rgba[(y * width + x) * 4 + k] = k < channels ? current[x * channels + k] : (byte)255;
            (previous, current) = (current, previous);
        }
        return rgba;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
