using System.Diagnostics.CodeAnalysis;
using Sluice.Data;

namespace Sluice.Connectors.Files;

/// <summary>A file sink's data format: its sink kind (also the file extension) and how it writes one data file.</summary>
internal sealed class FileSinkFormat
{
    public static readonly FileSinkFormat Parquet = new("parquet", ParquetDataFile.Validate, ParquetDataFile.WriteAsync);

    /// <summary>JSON lines, as Spark's json sink writes them (one object per line, see <see cref="RowJson"/>).</summary>
    public static readonly FileSinkFormat Json = new("json", static _ => { }, JsonLinesDataFile.WriteAsync);

    private readonly Action<StreamSchema> _validate;
    private readonly Func<Stream, StreamSchema, IReadOnlyList<object?[]>, CancellationToken, Task> _write;

    private FileSinkFormat(
        string name,
        Action<StreamSchema> validate,
        Func<Stream, StreamSchema, IReadOnlyList<object?[]>, CancellationToken, Task> write)
    {
        Name = name;
        _validate = validate;
        _write = write;
    }

    /// <summary>The sink kind in a spec (<c>parquet</c>, <c>json</c>) and the data files' extension.</summary>
    public string Name { get; }

    public static bool TryParse(string kind, [NotNullWhen(true)] out FileSinkFormat? format)
    {
        format = kind switch
        {
            "parquet" => Parquet,
            "json" => Json,
            _ => null,
        };
        return format is not null;
    }

    /// <summary>Throws <see cref="NotSupportedException"/> when a column cannot be written in this format.</summary>
    public void Validate(StreamSchema schema) => _validate(schema);

    public Task WriteAsync(Stream output, StreamSchema schema, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
        _write(output, schema, rows, cancellationToken);

    public override string ToString() => Name;
}
