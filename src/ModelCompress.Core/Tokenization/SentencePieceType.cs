namespace ModelCompress.Core.Tokenization;

/// <summary>Type of a piece in a SentencePiece vocabulary (values of the ModelProto enum).</summary>
public enum SentencePieceType
{
    Normal = 1,
    Unknown = 2,
    Control = 3,
    UserDefined = 4,
    Unused = 5,
    Byte = 6,
}
