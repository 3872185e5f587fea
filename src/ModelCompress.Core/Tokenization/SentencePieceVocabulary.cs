using System.Globalization;

namespace ModelCompress.Core.Tokenization;

/// <summary>
/// A SentencePiece-style vocabulary: pieces with their types, the lookup from text to id, and the
/// <c>&lt;0xXX&gt;</c> byte-fallback pieces.
/// </summary>
internal sealed class SentencePieceVocabulary
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly int[] _byteIds = new int[256];
    private readonly int[] _byteValueOfId;

    public SentencePieceVocabulary(IReadOnlyList<string> pieces, IReadOnlyList<SentencePieceType> types, int? unkId)
    {
        Pieces = pieces;
        Types = types;
        UnkId = unkId;
        Array.Fill(_byteIds, -1);
        _byteValueOfId = new int[pieces.Count];
        Array.Fill(_byteValueOfId, -1);
        for (int id = 0; id < pieces.Count; id++)
        {
            _ids.TryAdd(pieces[id], id);
            if (types[id] is SentencePieceType.Byte or SentencePieceType.Normal && TryParseBytePiece(pieces[id], out byte b))
            {
                _byteValueOfId[id] = b;
                if (_byteIds[b] < 0) _byteIds[b] = id;
            }
        }
    }

    public IReadOnlyList<string> Pieces { get; }
    public IReadOnlyList<SentencePieceType> Types { get; }
    public int? UnkId { get; }
    public int Count => Pieces.Count;

    /// <summary>True when all 256 byte pieces exist, so any character can fall back to bytes.</summary>
    public bool HasAllBytes => Array.IndexOf(_byteIds, -1) < 0;

    public bool TryGetId(string piece, out int id) => _ids.TryGetValue(piece, out id);

    public int ByteId(byte b) => _byteIds[b];

    /// <summary>The byte a <c>&lt;0xXX&gt;</c> piece stands for, or -1 for other pieces.</summary>
    public int ByteValue(int id) => _byteValueOfId[id];

    /// <summary>Pieces that may result from a merge (normal and user-defined ones).</summary>
    public Dictionary<string, int> MergeablePieces()
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < Pieces.Count; id++)
            if (Types[id] is SentencePieceType.Normal or SentencePieceType.UserDefined && ByteValue(id) < 0)
                result.TryAdd(Pieces[id], id);
        return result;
    }

    private static bool TryParseBytePiece(string piece, out byte value)
    {
        value = 0;
        return piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>'
            && byte.TryParse(piece.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
    }
}
