using Sluice.Columnar;
using Sluice.Sources;
using Sluice.Spec;

namespace Sluice.Connectors.Nexmark;

/// <summary>
/// Reads offsets [start, end) of one nexmark partition as rows, or columns, of the source's stream (see
/// <see cref="NexmarkStreamSource"/>): every event for <c>event</c>, only its own kind's for the others.
/// </summary>
internal sealed class NexmarkPartitionReader(SourceSpec spec, int partition) : IColumnarPartitionReader
{
    private readonly NexmarkConfig _config = NexmarkConfig.FromOptions(spec.Options);
    private readonly string _stream = NexmarkSchemas.StreamOf(spec.Options);
    private readonly NexmarkColumns _columns = new();

    public Task<ReadResult> ReadAsync(long start, long end, List<object?[]> output, CancellationToken cancellationToken)
    {
        for (var offset = start; offset < end; offset++)
        {
            var n = _config.EventAt(partition, offset);
            var row = (_stream, NexmarkGenerator.KindOf(n)) switch
            {
                ("event", _) => NexmarkRows.Event(NexmarkGenerator.At(_config, n)),
                ("person", NexmarkKind.Person) => NexmarkRows.Person(NexmarkGenerator.PersonAt(_config, n)),
                ("auction", NexmarkKind.Auction) => NexmarkRows.Auction(NexmarkGenerator.AuctionAt(_config, n)),
                ("bid", NexmarkKind.Bid) => NexmarkRows.Bid(NexmarkGenerator.BidAt(_config, n)),
                _ => null,
            };
            if (row is not null)
            {
                output.Add(row);
            }
        }
        return Task.FromResult(new ReadResult(end - start, 0, 0));
    }

    public Task<ReadResult> ReadColumnsAsync(long start, long end, ColumnBatch output, CancellationToken cancellationToken)
    {
        _columns.Begin(output);
        var (extra, channel) = _stream == "bid" ? _columns.BidFieldsRead() : (true, true);
        for (var offset = start; offset < end; offset++)
        {
            var n = _config.EventAt(partition, offset);
            switch (_stream, NexmarkGenerator.KindOf(n))
            {
                case ("event", _):
                    _columns.Event(NexmarkGenerator.At(_config, n));
                    break;
                case ("person", NexmarkKind.Person):
                    _columns.Person(NexmarkGenerator.PersonAt(_config, n));
                    break;
                case ("auction", NexmarkKind.Auction):
                    _columns.Auction(NexmarkGenerator.AuctionAt(_config, n));
                    break;
                case ("bid", NexmarkKind.Bid):
                    _columns.Bid(NexmarkGenerator.BidAt(_config, n, extra, channel));
                    break;
            }
        }
        output.RowCount = _columns.Rows;
        return Task.FromResult(new ReadResult(end - start, 0, 0));
    }

    public void Dispose()
    {
    }
}
