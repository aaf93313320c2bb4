using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Sluice.Operators.Sessions;

/// <summary>
/// A session's event ids as the JSON its stored state holds them: each id the string token the serializer writes for
/// it (same writer, same encoder), so the typed path keeps a session's ids as bytes, appends a new id without making a
/// string, writes the state by copying them, and makes the ids' strings only when the session is emitted. Reading them
/// back gives what the general path reads from the stored JSON (a lone surrogate comes back as U+FFFD, as there).
/// </summary>
internal static class SessionIds
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_token;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    [ThreadStatic]
    private static char[]? t_chars;

    /// <summary>Appends the JSON string token of <paramref name="id"/> at <paramref name="length"/>, growing the buffer.</summary>
    public static void AppendToken(ref byte[] buffer, ref int length, ReadOnlySpan<char> id)
    {
        if (IsPlain(id))
        {
            Ensure(ref buffer, length, id.Length + 2);
            buffer[length] = (byte)'"';
            for (var i = 0; i < id.Length; i++)
            {
                buffer[length + 1 + i] = (byte)id[i];
            }
            buffer[length + 1 + id.Length] = (byte)'"';
            length += id.Length + 2;
            return;
        }
        var token = t_token ??= new ArrayBufferWriter<byte>(256);
        token.ResetWrittenCount();
        var writer = t_writer ??= new Utf8JsonWriter(token);
        writer.Reset(token);
        writer.WriteStringValue(id);
        writer.Flush();
        Ensure(ref buffer, length, token.WrittenCount);
        token.WrittenSpan.CopyTo(buffer.AsSpan(length));
        length += token.WrittenCount;
        if (token.Capacity > 64 * 1024)
        {
            (t_token, t_writer) = (null, null);
        }
    }

    /// <summary>The token of an event without an id: its epoch milliseconds, as the processor names it.</summary>
    public static void AppendToken(ref byte[] buffer, ref int length, long ms)
    {
        Span<char> digits = stackalloc char[20];
        ms.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        AppendToken(ref buffer, ref length, digits[..written]);
    }

    /// <summary>
    /// The ids of <paramref name="array"/> (a JSON array without its closing bracket: '[' and the tokens, comma-separated)
    /// joined by commas, as the processor emits them: the strings the serializer reads from the tokens.
    /// </summary>
    public static string Join(ReadOnlySpan<byte> array)
    {
        var chars = t_chars ??= new char[256];
        var at = 0;
        var reader = new Utf8JsonReader(array, isFinalBlock: false, state: default);
        var first = true;
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                continue;
            }
            // An unescaped id has at most as many chars as its token has bytes.
            var need = at + 1 + reader.ValueSpan.Length;
            if (need > chars.Length)
            {
                Array.Resize(ref chars, Math.Max(need, chars.Length * 2));
                t_chars = chars;
            }
            if (!first)
            {
                chars[at++] = ',';
            }
            first = false;
            if (reader.TokenType == JsonTokenType.String)
            {
                at += reader.CopyString(chars.AsSpan(at));
            }
        }
        var joined = new string(chars, 0, at);
        if (chars.Length > 64 * 1024)
        {
            t_chars = null;
        }
        return joined;
    }

    /// <summary>Whether the serializer's encoder writes <paramref name="id"/> as it is (letters, digits, '-', '_', '.').</summary>
    private static bool IsPlain(ReadOnlySpan<char> id)
    {
        foreach (var c in id)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_' && c != '.')
            {
                return false;
            }
        }
        return true;
    }

    private static void Ensure(ref byte[] buffer, int length, int more)
    {
        if (buffer.Length - length < more)
        {
            Array.Resize(ref buffer, Math.Max(buffer.Length * 2, length + more));
        }
    }
}
