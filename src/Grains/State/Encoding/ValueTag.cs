namespace Sluice.State.Encoding;

/// <summary>
/// The one-byte tag in front of every value <see cref="RowCodec"/> writes. These numbers are stored in checkpoints:
/// never renumber one, only add new ones.
/// </summary>
internal enum ValueTag : byte
{
    Null = 0,
    False = 1,
    True = 2,

    /// <summary>Zigzag LEB128 varint.</summary>
    Int = 3,

    /// <summary>Zigzag LEB128 varint.</summary>
    Long = 4,

    /// <summary>8 bytes, little-endian IEEE 754 bits; NaN and -0.0 normalized.</summary>
    Double = 5,

    /// <summary>Varint byte length, then UTF-8.</summary>
    String = 6,

    /// <summary>8 bytes, little-endian <see cref="DateTime.Ticks"/> (UTC).</summary>
    Timestamp = 7,

    /// <summary>Varint byte length, then the bytes.</summary>
    Binary = 8,

    /// <summary>Varint field count, then each field as a tagged value.</summary>
    Struct = 9,

    /// <summary>Varint element count, then each element as a tagged value.</summary>
    Array = 10,
}
