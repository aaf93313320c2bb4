using Sluice.Columnar;
using Sluice.Data;
using Sluice.Sources;

namespace Sluice.Connectors.Generator;

/// <summary>
/// Reads offsets [start, end) of one generator partition as click-event rows in <see cref="Schema"/>'s order.
/// Id strings come from tables built once, so the cost measured is the engine's, not the generator's.
/// </summary>
internal sealed class GeneratorPartitionReader(int partition, int partitions) : IColumnarPartitionReader
{
    /// <summary>The click events' columns, as the demo's Kafka queries read them.</summary>
    public static readonly StreamSchema Schema = new(
    [
        new Column("event_id", DataType.String),
        new Column("user_id", DataType.String),
        new Column("product_id", DataType.String),
        new Column("event_type", DataType.String),
        new Column("amount", DataType.Double),
        new Column("event_time", DataType.Timestamp),
    ]);

    private static readonly Lazy<string[]> UserIds = new(() => Ids("u", ClickEventSequence.Users));
    private static readonly Lazy<string[]> ProductIds = new(() => Ids("p", ClickEventSequence.Products));

    // The id tables as dictionaries: a user's or product's code is its number, so a columnar read makes no strings.
    private static readonly Lazy<StringDictionary> UserCodes = new(() => new StringDictionary(UserIds.Value));
    private static readonly Lazy<StringDictionary> ProductCodes = new(() => new StringDictionary(ProductIds.Value));
    private static readonly Lazy<StringDictionary> TypeCodes = new(() => new StringDictionary([.. ClickEventSequence.Types.Distinct()]));

    public Task<ReadResult> ReadAsync(long start, long end, List<object?[]> output, CancellationToken cancellationToken)
    {
        var users = UserIds.Value;
        var products = ProductIds.Value;
        output.EnsureCapacity(output.Count + (int)(end - start));
        for (var offset = start; offset < end; offset++)
        {
            var e = ClickEventSequence.At((offset * partitions) + partition);
            output.Add(["e" + e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), users[e.User], products[e.Product],
                ClickEventSequence.Types[e.Type], e.Amount, DateTime.UnixEpoch.AddMilliseconds(e.TimeMs)]);
        }
        return Task.FromResult(new ReadResult(end - start, 0, 0));
    }

    public Task<ReadResult> ReadColumnsAsync(long start, long end, ColumnBatch output, CancellationToken cancellationToken)
    {
        var rows = (int)(end - start);
        var eventIds = output.IsRead(0) ? output.Column<StringVector>(0) : null;
        var users = Codes(output, 1, UserCodes.Value);
        var products = Codes(output, 2, ProductCodes.Value);
        var types = Codes(output, 3, TypeCodes.Value);
        var amounts = output.IsRead(4) ? output.Column<DoubleVector>(4) : null;
        var times = output.IsRead(5) ? output.Column<Int64Vector>(5) : null;
        var typeCodes = ClickEventSequence.Types.Select(t => TypeCodes.Value.GetOrAdd(t)).ToArray();
        amounts?.Reserve(rows);
        times?.Reserve(rows);
        Span<char> id = stackalloc char[24];
        for (var offset = start; offset < end; offset++)
        {
            var e = ClickEventSequence.At((offset * partitions) + partition);
            if (eventIds is not null)
            {
                // Event ids are unique: each is a new string, as in the row path.
                id[0] = 'e';
                e.Id.TryFormat(id[1..], out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
                eventIds.Append(id[..(written + 1)]);
            }
            users?.AppendCode(e.User);
            products?.AppendCode(e.Product);
            types?.AppendCode(typeCodes[e.Type]);
            amounts?.Append(e.Amount);
            times?.AppendEpochMs(e.TimeMs);
        }
        output.RowCount = rows;
        return Task.FromResult(new ReadResult(end - start, 0, 0));
    }

    /// <summary>A read string column coded by a shared id table (null when the column is not read).</summary>
    private static StringVector? Codes(ColumnBatch output, int column, StringDictionary dictionary)
    {
        if (!output.IsRead(column))
        {
            return null;
        }
        var vector = output.Column<StringVector>(column);
        if (vector.Dictionary != dictionary)
        {
            vector.UseDictionary(dictionary);
        }
        vector.Reserve(0);
        return vector;
    }

    public void Dispose()
    {
    }

    private static string[] Ids(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
