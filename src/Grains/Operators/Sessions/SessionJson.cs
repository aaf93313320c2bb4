using System.Buffers;
using System.Text.Json;
using Sluice.Processing.BuiltIn;
using Sluice.State.Encoding;

namespace Sluice.Operators.Sessions;

/// <summary>
/// A held session's stored value: <see cref="GroupStateValue"/> over the session's JSON, the bytes the general path
/// stores for it. The JSON is written with the calls <see cref="JsonSerializer"/> makes for
/// <see cref="Sessionizer.Session"/> with default options (its properties in declaration order, the same writer and
/// encoder), the event ids copied as the tokens the session keeps, into reused buffers: one array per value.
/// </summary>
internal static class SessionJson
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_json;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_value;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>
    /// The same bytes as <c>new GroupStateValue(JsonSerializer.SerializeToUtf8Bytes(session), timeoutMs).Encode()</c>:
    /// the JSON's fields before the ids are written apart, so the ids (most of a value) are copied once, into the value.
    /// </summary>
    public static byte[] WriteValue(HeldSession session, long timeoutMs) => WriteValue(session, timeoutMs, out _);

    /// <inheritdoc cref="WriteValue(HeldSession, long)"/>
    /// <param name="idsOffset">Where the session's <see cref="HeldSession.Ids"/> start in the value.</param>
    public static byte[] WriteValue(HeldSession session, long timeoutMs, out int idsOffset)
    {
        var json = t_json ??= new ArrayBufferWriter<byte>(512);
        json.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(json);
        writer.Reset(json);
        writer.WriteStartObject();
        writer.WriteNumber("StartMs"u8, session.StartMs);
        writer.WriteNumber("LastMs"u8, session.LastMs);
        writer.WriteNumber("TotalAmount"u8, session.TotalAmount);
        writer.WritePropertyName("EventIds"u8);
        writer.Flush();
        var fields = json.WrittenSpan;
        var ids = session.Ids;
        var jsonLength = fields.Length + ids.Length + 2;
        // The binary's tag and length, then the timeout, in the codec's bytes; the value is the binary's header, the
        // JSON (its fields, ids and "]}"), then the timeout.
        var value = t_value ??= new ArrayBufferWriter<byte>(512);
        value.ResetWrittenCount();
        RowCodec.WriteVarint(value, ValueTag.Binary, (ulong)jsonLength);
        var header = value.WrittenCount;
        RowCodec.WriteLong(value, timeoutMs);
        var bytes = new byte[value.WrittenCount + jsonLength];
        value.WrittenSpan[..header].CopyTo(bytes);
        fields.CopyTo(bytes.AsSpan(header));
        idsOffset = header + fields.Length;
        ids.CopyTo(bytes.AsSpan(idsOffset));
        "]}"u8.CopyTo(bytes.AsSpan(header + jsonLength - 2));
        value.WrittenSpan[header..].CopyTo(bytes.AsSpan(header + jsonLength));
        if (json.Capacity > 64 * 1024 || value.Capacity > 64 * 1024)
        {
            (t_json, t_value, t_writer) = (null, null, null);
        }
        return bytes;
    }

    /// <summary>A stored value read as the general path reads it (through the serializer), with its length.</summary>
    public static HeldSession Read(byte[] value)
    {
        var stored = GroupStateValue.Decode(value);
        return HeldSession.From(JsonSerializer.Deserialize<Sessionizer.Session>(stored.Json ?? throw new InvalidOperationException("a Sessionizer key holds a timeout without a session"))!, stored.TimeoutMs, value.Length);
    }
}
