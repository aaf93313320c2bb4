using System.Globalization;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;
using Sluice.Data;

namespace Sluice.Connectors.Files;

/// <summary>
/// A parquet sink's data file: one row group, every column nullable (as Spark writes them). Timestamps are
/// <c>TIMESTAMP(MICROS, isAdjustedToUTC)</c>, Spark's precision; a struct (such as <c>window</c>) is a parquet group.
/// Arrays and untyped NULL columns are refused, as Spark refuses types its parquet writer lacks.
/// </summary>
internal static class ParquetDataFile
{
    public static void Validate(StreamSchema schema)
    {
        foreach (var column in schema.Columns)
        {
            _ = FieldOf(column.Name, column.Type);
        }
    }

    public static ParquetSchema SchemaOf(StreamSchema schema) => new(schema.Columns.Select(c => FieldOf(c.Name, c.Type)));

    public static async Task WriteAsync(Stream output, StreamSchema schema, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        if (rows.Count > 0 && ParquetColumns.Fit(schema, rows))
        {
            await ParquetColumns.WriteAsync(output, SchemaOf(schema), schema, rows, cancellationToken);
            return;
        }
        await WriteRecordsAsync(output, schema, rows, cancellationToken);
    }

    /// <summary>Through Parquet.Net's untyped serializer, a dictionary per row: any schema <see cref="Validate"/> accepts.</summary>
    internal static async Task WriteRecordsAsync(Stream output, StreamSchema schema, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        var data = rows.Select(row => (IDictionary<string, object?>)ToRecord(schema.Columns, row)).ToList();
        var options = new ParquetOptions { RowGroupSize = Math.Max(1, rows.Count) };
        await ParquetSerializer.SerializeUntypedAsync(data, SchemaOf(schema), output, options, cancellationToken: cancellationToken);
    }

    private static Field FieldOf(string name, DataType type) => type.Kind switch
    {
        DataTypeKind.String => new DataField<string>(name, true),
        DataTypeKind.Int => new DataField<int?>(name, true),
        DataTypeKind.Long => new DataField<long?>(name, true),
        DataTypeKind.Double => new DataField<double?>(name, true),
        DataTypeKind.Boolean => new DataField<bool?>(name, true),
        DataTypeKind.Timestamp => new DateTimeDataField(name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true),
        DataTypeKind.Binary => new DataField<byte[]>(name, true),
        DataTypeKind.Struct => new StructField(name, [.. type.Fields.Select(f => FieldOf(f.Name, f.Type))]),
        _ => throw new NotSupportedException(
            $"Parquet data source does not support {type} data type (column '{name}'). Cast or drop the column, or use the json sink."),
    };

    private static Dictionary<string, object?> ToRecord(IReadOnlyList<Column> columns, object?[] values)
    {
        var record = new Dictionary<string, object?>(columns.Count, StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            record[columns[i].Name] = ToParquet(columns[i].Type, values[i]);
        }
        return record;
    }

    // The untyped serializer wants each column's exact CLR type: widen numbers the engine may hold narrower.
    private static object? ToParquet(DataType type, object? value) => value is null ? null : type.Kind switch
    {
        DataTypeKind.Int => Convert.ToInt32(value, CultureInfo.InvariantCulture),
        DataTypeKind.Long => Convert.ToInt64(value, CultureInfo.InvariantCulture),
        DataTypeKind.Double => Convert.ToDouble(value, CultureInfo.InvariantCulture),
        DataTypeKind.Timestamp => DateTime.SpecifyKind((DateTime)value, DateTimeKind.Utc),
        DataTypeKind.Binary => new ReadOnlyMemory<byte>((byte[])value),
        DataTypeKind.Struct => ToRecord(type.Fields, ((StructValue)value).Values),
        _ => value,
    };
}
