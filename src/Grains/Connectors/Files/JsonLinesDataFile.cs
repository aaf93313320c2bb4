using System.Text;
using Sluice.Data;

namespace Sluice.Connectors.Files;

/// <summary>
/// A json sink's data file: one JSON object per line, UTF-8 without a byte order mark. Nulls are written (Spark
/// omits them by default; both read back the same), so a file shows every column and matches the memory sink.
/// </summary>
internal static class JsonLinesDataFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static async Task WriteAsync(Stream output, StreamSchema schema, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        await using var writer = new StreamWriter(output, Utf8, bufferSize: 1 << 16, leaveOpen: true) { NewLine = "\n" };
        foreach (var row in rows)
        {
            await writer.WriteLineAsync(RowJson.ToJsonLine(schema, row).AsMemory(), cancellationToken);
        }
    }
}
