using Confluent.Kafka;

namespace Sluice.Connectors.Kafka;

/// <summary>
/// Copies each record's value (format json) into one buffer kept across records instead of a new array per record:
/// the value is parsed before the next record is consumed, so only the last one's bytes are ever needed. Every
/// record's <c>Message.Value</c> is this same buffer (null for a tombstone); <see cref="SpanOf"/> gives its bytes.
/// </summary>
internal sealed class ReusedValueBuffer : IDeserializer<byte[]?>
{
    private byte[] _buffer = new byte[4096];
    private int _length;

    public byte[]? Deserialize(ReadOnlySpan<byte> data, bool isNull, SerializationContext context)
    {
        if (isNull)
        {
            return null;
        }
        if (data.Length > _buffer.Length)
        {
            _buffer = new byte[Math.Max(data.Length, _buffer.Length * 2)];
        }
        data.CopyTo(_buffer);
        _length = data.Length;
        return _buffer;
    }

    /// <summary>The bytes of a value this deserializer returned last, or of an array detached by <see cref="Detach"/>.</summary>
    public ReadOnlySpan<byte> SpanOf(byte[] value) => ReferenceEquals(value, _buffer) ? value.AsSpan(0, _length) : value;

    /// <summary>A copy of the last value, for a record kept while the next ones are consumed (read ahead of a range's end).</summary>
    public byte[] Detach(byte[] value) => SpanOf(value).ToArray();
}
