using System.Buffers;
using System.Globalization;
using Parquet;
using Parquet.Schema;
using Sluice.Data;

namespace Sluice.Connectors.Files;

/// <summary>
/// A parquet data file written a column at a time (Parquet.Net's row-group writer), with no dictionary and no boxed
/// value per row: each leaf's defined values and definition levels go in pooled arrays. It writes what
/// <see cref="ParquetDataFile.WriteRecordsAsync"/> writes for the rows it takes (<see cref="Fit"/>): columns of string,
/// int, bigint, double, boolean and timestamp, and structs of those but string (such as <c>window</c>) that are never
/// NULL themselves; anything else goes through the untyped serializer.
/// </summary>
internal static class ParquetColumns
{
    /// <summary>Whether every column is a leaf this writer takes, or a struct of them, and no row's struct is NULL.</summary>
    public static bool Fit(StreamSchema schema, IReadOnlyList<object?[]> rows)
    {
        for (var c = 0; c < schema.Columns.Count; c++)
        {
            var type = schema.Columns[c].Type;
            if (type.Kind == DataTypeKind.Struct)
            {
                // A struct's string member would need definition levels Parquet.Net's string writer does not take.
                if (!type.Fields.All(f => IsLeaf(f.Type.Kind) && f.Type.Kind != DataTypeKind.String))
                {
                    return false;
                }
                foreach (var row in rows)
                {
                    if (row[c] is not StructValue value || value.Values.Length != type.Fields.Count)
                    {
                        return false;
                    }
                }
            }
            else if (!IsLeaf(type.Kind))
            {
                return false;
            }
        }
        return true;
    }

    public static async Task WriteAsync(Stream output, ParquetSchema parquetSchema, StreamSchema schema, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        var leaves = parquetSchema.GetDataFields();
        await using var writer = await ParquetWriter.CreateAsync(parquetSchema, output, cancellationToken: cancellationToken);
        using var group = writer.CreateRowGroup();
        var leaf = 0;
        for (var c = 0; c < schema.Columns.Count; c++)
        {
            var type = schema.Columns[c].Type;
            if (type.Kind == DataTypeKind.Struct)
            {
                for (var f = 0; f < type.Fields.Count; f++)
                {
                    await WriteLeafAsync(group, leaves[leaf++], type.Fields[f].Type.Kind, rows, c, f, cancellationToken);
                }
            }
            else
            {
                await WriteLeafAsync(group, leaves[leaf++], type.Kind, rows, c, -1, cancellationToken);
            }
        }
    }

    private static bool IsLeaf(DataTypeKind kind) =>
        kind is DataTypeKind.String or DataTypeKind.Int or DataTypeKind.Long or DataTypeKind.Double or DataTypeKind.Boolean or DataTypeKind.Timestamp;

    private static Task WriteLeafAsync(ParquetRowGroupWriter group, DataField field, DataTypeKind kind, IReadOnlyList<object?[]> rows, int column, int member, CancellationToken cancellationToken) => kind switch
    {
        DataTypeKind.String => WriteStringsAsync(group, field, rows, column),
        DataTypeKind.Int => WriteLeafAsync(group, field, rows, column, member, static v => Convert.ToInt32(v, CultureInfo.InvariantCulture), cancellationToken),
        DataTypeKind.Long => WriteLeafAsync(group, field, rows, column, member, static v => Convert.ToInt64(v, CultureInfo.InvariantCulture), cancellationToken),
        DataTypeKind.Double => WriteLeafAsync(group, field, rows, column, member, static v => Convert.ToDouble(v, CultureInfo.InvariantCulture), cancellationToken),
        DataTypeKind.Boolean => WriteLeafAsync(group, field, rows, column, member, static v => (bool)v, cancellationToken),
        _ => WriteLeafAsync(group, field, rows, column, member, static v => DateTime.SpecifyKind((DateTime)v, DateTimeKind.Utc), cancellationToken),
    };

    /// <summary>
    /// One leaf: its defined values, and a definition level per row (the leaf's maximum when defined, one less when NULL:
    /// a top-level column is absent, a struct's member is absent from a present struct).
    /// </summary>
    private static async Task WriteLeafAsync<T>(ParquetRowGroupWriter group, DataField field, IReadOnlyList<object?[]> rows, int column, int member, Func<object, T> convert, CancellationToken cancellationToken)
        where T : struct
    {
        var values = ArrayPool<T>.Shared.Rent(rows.Count);
        var levels = ArrayPool<int>.Shared.Rent(rows.Count);
        try
        {
            var defined = 0;
            var max = field.MaxDefinitionLevel;
            for (var r = 0; r < rows.Count; r++)
            {
                var value = member < 0 ? rows[r][column] : ((StructValue)rows[r][column]!).Values[member];
                if (value is null)
                {
                    levels[r] = max - 1;
                }
                else
                {
                    levels[r] = max;
                    values[defined++] = convert(value);
                }
            }
            await group.WriteAllPartsAsync<T>(field, values.AsMemory(0, defined), levels.AsMemory(0, rows.Count), null, cancellationToken);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(values);
            ArrayPool<int>.Shared.Return(levels);
        }
    }

    /// <summary>A top-level string column: Parquet.Net's string writer takes every row, NULL as absent.</summary>
    private static async Task WriteStringsAsync(ParquetRowGroupWriter group, DataField field, IReadOnlyList<object?[]> rows, int column)
    {
        var values = ArrayPool<string?>.Shared.Rent(rows.Count);
        try
        {
            for (var r = 0; r < rows.Count; r++)
            {
                values[r] = (string?)rows[r][column];
            }
            await group.WriteAsync(field, new ArraySegment<string>(values!, 0, rows.Count), null);
        }
        finally
        {
            ArrayPool<string?>.Shared.Return(values, clearArray: true);
        }
    }
}
