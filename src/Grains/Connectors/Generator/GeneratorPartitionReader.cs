using Sluice.Data;
using Sluice.Sources;

namespace Sluice.Connectors.Generator;

/// <summary>
/// Reads offsets [start, end) of one generator partition as click-event rows in <see cref="Schema"/>'s order.
/// Id strings come from tables built once, so the cost measured is the engine's, not the generator's.
/// </summary>
internal sealed class GeneratorPartitionReader(int partition, int partitions) : IPartitionReader
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

    public void Dispose()
    {
    }

    private static string[] Ids(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
