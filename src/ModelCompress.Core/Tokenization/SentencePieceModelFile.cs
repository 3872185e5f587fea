namespace ModelCompress.Core.Tokenization;

/// <summary>The fields of a SentencePiece <c>ModelProto</c> that the BPE tokenizer needs.</summary>
internal sealed class SentencePieceModelFile
{
    public const int ModelTypeUnigram = 1;
    public const int ModelTypeBpe = 2;

    public List<string> Pieces { get; } = [];
    public List<float> Scores { get; } = [];
    public List<SentencePieceType> Types { get; } = [];

    // Defaults are those of sentencepiece_model.proto.
    public int ModelType { get; private set; } = ModelTypeUnigram;
    public int UnkId { get; private set; }
    public int BosId { get; private set; } = 1;
    public int EosId { get; private set; } = 2;
    public int PadId { get; private set; } = -1;
    public bool ByteFallback { get; private set; }
    public string NormalizationRule { get; private set; } = "";
    public bool AddDummyPrefix { get; private set; } = true;
    public bool RemoveExtraWhitespaces { get; private set; } = true;

    /// <summary>Parses a serialized ModelProto; throws <see cref="InvalidDataException"/> when malformed.</summary>
    public static SentencePieceModelFile Parse(byte[] bytes)
    {
        var model = new SentencePieceModelFile();
        var reader = new ProtobufReader(bytes);
        while (reader.TryReadTag(out int field, out int wire))
        {
            switch (field, wire)
            {
                case (1, ProtobufReader.WireLengthDelimited): model.ReadPiece(reader.ReadMessage()); break;
                case (2, ProtobufReader.WireLengthDelimited): model.ReadTrainerSpec(reader.ReadMessage()); break;
                case (3, ProtobufReader.WireLengthDelimited): model.ReadNormalizerSpec(reader.ReadMessage()); break;
                default: reader.Skip(wire); break;
            }
        }
        if (model.Pieces.Count == 0) throw new InvalidDataException("the model has no pieces.");
        return model;
    }

    private void ReadPiece(ProtobufReader r)
    {
        string? piece = null;
        float score = 0;
        var type = SentencePieceType.Normal;
        while (r.TryReadTag(out int field, out int wire))
        {
            switch (field, wire)
            {
                case (1, ProtobufReader.WireLengthDelimited): piece = r.ReadString(); break;
                case (2, ProtobufReader.WireFixed32): score = r.ReadFloat(); break;
                case (3, ProtobufReader.WireVarint): type = (SentencePieceType)r.ReadInt32(); break;
                default: r.Skip(wire); break;
            }
        }
        if (piece is null) throw new InvalidDataException($"piece #{Pieces.Count} has no text.");
        Pieces.Add(piece);
        Scores.Add(score);
        Types.Add(type);
    }

    private void ReadTrainerSpec(ProtobufReader r)
    {
        while (r.TryReadTag(out int field, out int wire))
        {
            switch (field, wire)
            {
                case (3, ProtobufReader.WireVarint): ModelType = r.ReadInt32(); break;
                case (35, ProtobufReader.WireVarint): ByteFallback = r.ReadBool(); break;
                case (40, ProtobufReader.WireVarint): UnkId = r.ReadInt32(); break;
                case (41, ProtobufReader.WireVarint): BosId = r.ReadInt32(); break;
                case (42, ProtobufReader.WireVarint): EosId = r.ReadInt32(); break;
                case (43, ProtobufReader.WireVarint): PadId = r.ReadInt32(); break;
                default: r.Skip(wire); break;
            }
        }
    }

    private void ReadNormalizerSpec(ProtobufReader r)
    {
        while (r.TryReadTag(out int field, out int wire))
        {
            switch (field, wire)
            {
                case (1, ProtobufReader.WireLengthDelimited): NormalizationRule = r.ReadString(); break;
                case (3, ProtobufReader.WireVarint): AddDummyPrefix = r.ReadBool(); break;
                case (4, ProtobufReader.WireVarint): RemoveExtraWhitespaces = r.ReadBool(); break;
                default: r.Skip(wire); break;
            }
        }
    }
}
