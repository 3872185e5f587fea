using System.Text;

namespace ModelCompress.Core.Tokenization;

/// <summary>
/// Minimal reader of the protobuf wire format: varints, fixed32/64 and length-delimited fields.
/// Throws <see cref="InvalidDataException"/> on truncated or invalid input.
/// </summary>
internal sealed class ProtobufReader
{
    public const int WireVarint = 0;
    public const int WireFixed64 = 1;
    public const int WireLengthDelimited = 2;
    public const int WireFixed32 = 5;

    private readonly byte[] _data;
    private readonly int _end;
    private int _pos;

    public ProtobufReader(byte[] data) : this(data, 0, data.Length) { }

    private ProtobufReader(byte[] data, int start, int end)
    {
        _data = data;
        _pos = start;
        _end = end;
    }

    /// <summary>Reads the next field key; false at the end of the message.</summary>
    public bool TryReadTag(out int field, out int wireType)
    {
        if (_pos >= _end)
        {
            field = wireType = 0;
            return false;
        }
        ulong key = ReadVarint();
        field = (int)(key >> 3);
        wireType = (int)(key & 7);
        if (field <= 0) throw new InvalidDataException($"invalid protobuf field number {field} at byte {_pos}.");
        return true;
    }

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (_pos >= _end) throw new InvalidDataException("truncated protobuf varint.");
            byte b = _data[_pos++];
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
        throw new InvalidDataException("protobuf varint longer than 10 bytes.");
    }

    /// <summary>Reads an int32/int64/enum field (negative values are sign-extended varints).</summary>
    public int ReadInt32() => unchecked((int)(long)ReadVarint());

    public bool ReadBool() => ReadVarint() != 0;

    public float ReadFloat()
    {
        Require(4);
        float value = BitConverter.ToSingle(_data, _pos);
        _pos += 4;
        return value;
    }

    public string ReadString()
    {
        int length = ReadLength();
        string s = Encoding.UTF8.GetString(_data, _pos, length);
        _pos += length;
        return s;
    }

    /// <summary>Reads a length-delimited field as a nested message reader.</summary>
    public ProtobufReader ReadMessage()
    {
        int length = ReadLength();
        var sub = new ProtobufReader(_data, _pos, _pos + length);
        _pos += length;
        return sub;
    }

    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case WireVarint: ReadVarint(); break;
            case WireFixed64: Require(8); _pos += 8; break;
            case WireLengthDelimited: int length = ReadLength(); _pos += length; break;
            case WireFixed32: Require(4); _pos += 4; break;
            default: throw new InvalidDataException($"unsupported protobuf wire type {wireType}.");
        }
    }

    private int ReadLength()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_end - _pos)) throw new InvalidDataException("protobuf length exceeds the message.");
        return (int)length;
    }

    private void Require(int count)
    {
        if (_end - _pos < count) throw new InvalidDataException("truncated protobuf field.");
    }
}
