using System.Text;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Sources;
using Sluice.Sources.Parsing;

namespace Sluice.Connectors.Memory;

/// <summary>Reads a memory source's JSON rows [start, end) and parses them by the schema, as Kafka's json format does.</summary>
internal sealed class MemoryPartitionReader(IGrainFactory grains, string streamName, StreamSchema schema, ParseMode mode) : IPartitionReader
{
    private readonly JsonRowParser _parser = new(schema, mode);

    public async Task<ReadResult> ReadAsync(long start, long end, List<object?[]> output, CancellationToken cancellationToken)
    {
        var records = await grains.GetGrain<IMemorySourceGrain>(streamName).ReadAsync(start, end);
        long malformed = 0, dropped = 0, rows = 0;
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i] is null)
            {
                // An addData of no rows: it moved the offset (so this batch runs), and it has no row.
                continue;
            }
            rows++;
            var row = new object?[schema.Count];
            var outcome = _parser.Parse(Encoding.UTF8.GetBytes(records[i]!), row, (streamName, start + i), static p => $"memory stream {p.streamName} offset {p.Item2}");
            if (outcome == ParseOutcome.Ok || outcome == ParseOutcome.Malformed)
            {
                output.Add(row);
            }
            malformed += outcome == ParseOutcome.Ok ? 0 : 1;
            dropped += outcome == ParseOutcome.Dropped ? 1 : 0;
        }
        return new ReadResult(rows, malformed, dropped);
    }

    public void Dispose()
    {
    }
}
