using System.Buffers;
using System.Text.Json;
using Sluice.Processing.BuiltIn;

namespace Sluice.Operators.Sessions;

/// <summary>
/// A session's stored JSON, written with the calls <see cref="JsonSerializer"/> makes for
/// <see cref="Sessionizer.Session"/> with default options (its properties in declaration order, the same writer and
/// encoder), so the bytes are the general path's, into one reused buffer instead of the serializer's per-call state.
/// </summary>
internal static class SessionJson
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static byte[] Write(Sessionizer.Session session)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(512);
        buffer.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(buffer);
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteNumber("StartMs"u8, session.StartMs);
        writer.WriteNumber("LastMs"u8, session.LastMs);
        writer.WriteNumber("TotalAmount"u8, session.TotalAmount);
        writer.WritePropertyName("EventIds"u8);
        writer.WriteStartArray();
        foreach (var id in session.EventIds)
        {
            writer.WriteStringValue(id);
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        var json = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 64 * 1024)
        {
            (t_buffer, t_writer) = (null, null);
        }
        return json;
    }
}
