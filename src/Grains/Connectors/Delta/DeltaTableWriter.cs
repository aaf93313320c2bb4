using System.Globalization;
using System.Text.Json;
using Sluice.Checkpointing;
using Sluice.Connectors.Files;
using Sluice.Data;
using Sluice.Spec;

namespace Sluice.Connectors.Delta;

/// <summary>
/// Appends a streaming batch to a Delta Lake table, as Spark's Delta sink does:
/// <code>
/// read _delta_log: a txn action of this query with version &gt;= N  → batch N was committed before: write nothing
/// write each writer's rows as part-NNNNN-WWWWW-&lt;query&gt;.parquet      (temp file, then move over)
/// create _delta_log/&lt;next version&gt;.json (create-if-absent: the commit point) with
///   [protocol + metaData at version 0] [remove of every file, in complete mode] add per file (with stats),
///   txn {appId: query id, version: N}, commitInfo
/// </code>
/// Protocol reader 1 / writer 2. A failure before the log file leaves Parquet files no version adds (readers never see
/// them; the replay rewrites them). Losing the race for a version to another writer re-reads the log and tries the next.
/// </summary>
internal sealed class DeltaTableWriter(string table, Guid queryId, TimeProvider time)
{
    private readonly FolderCheckpointStore _store = new(table);

    public string Table => _store.Location;

    /// <summary>Rows added; -1 when a txn action shows batch <paramref name="batchId"/> committed before.</summary>
    public async Task<long> WriteAsync(long batchId, OutputMode mode, StreamSchema schema, IReadOnlyList<IReadOnlyList<object?[]>> writers, Action fault, CancellationToken cancellationToken = default)
    {
        if (mode == OutputMode.Update)
        {
            throw new NotSupportedException("Data source delta does not support Update output mode");
        }
        var schemaString = DeltaSchema.ToJson(schema);
        var appId = queryId.ToString();
        var log = DeltaLog.Read(Table);
        if (log.Transactions.TryGetValue(appId, out var done) && done >= batchId)
        {
            return -1;
        }
        if (log.SchemaString is { } existing && existing != schemaString)
        {
            throw new InvalidOperationException($"The Delta table {Table} has schema {existing}; this query writes {schemaString}. Write to a new path.");
        }
        var adds = new List<Dictionary<string, object>>();
        foreach (var rows in writers.Where(w => w.Count > 0))
        {
            adds.Add(await WriteDataFileAsync(batchId, adds.Count, schema, rows, cancellationToken));
        }
        fault();
        while (true)
        {
            var version = log.LatestVersion + 1;
            if (await _store.TryCreateAsync($"{DeltaLog.Folder}/{DeltaLog.VersionFile(version)}", Commit(version, batchId, mode, schemaString, log, adds), cancellationToken))
            {
                return writers.Sum(w => (long)w.Count);
            }
            log = DeltaLog.Read(Table);
            if (log.Transactions.TryGetValue(appId, out done) && done >= batchId)
            {
                return -1;
            }
        }
    }

    private string Commit(long version, long batchId, OutputMode mode, string schemaString, DeltaLog log, List<Dictionary<string, object>> adds)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var actions = new List<Dictionary<string, object>>();
        if (version == 0)
        {
            actions.Add(new() { ["protocol"] = new Dictionary<string, object> { ["minReaderVersion"] = 1, ["minWriterVersion"] = 2 } });
            actions.Add(new()
            {
                ["metaData"] = new Dictionary<string, object>
                {
                    ["id"] = Guid.NewGuid().ToString(),
                    ["format"] = new Dictionary<string, object> { ["provider"] = "parquet", ["options"] = new Dictionary<string, string>() },
                    ["schemaString"] = schemaString,
                    ["partitionColumns"] = Array.Empty<string>(),
                    ["configuration"] = new Dictionary<string, string>(),
                    ["createdTime"] = now,
                },
            });
        }
        if (mode == OutputMode.Complete)
        {
            actions.AddRange(log.Files.Order(StringComparer.Ordinal).Select(path => new Dictionary<string, object>
            {
                ["remove"] = new Dictionary<string, object> { ["path"] = path, ["deletionTimestamp"] = now, ["dataChange"] = true },
            }));
        }
        actions.AddRange(adds.Select(add => new Dictionary<string, object> { ["add"] = add }));
        actions.Add(new() { ["txn"] = new Dictionary<string, object> { ["appId"] = queryId.ToString(), ["version"] = batchId, ["lastUpdated"] = now } });
        actions.Add(new()
        {
            ["commitInfo"] = new Dictionary<string, object>
            {
                ["timestamp"] = now,
                ["operation"] = "STREAMING UPDATE",
                ["operationParameters"] = new Dictionary<string, string>
                {
                    ["outputMode"] = mode.ToString(),
                    ["queryId"] = queryId.ToString(),
                    ["epochId"] = batchId.ToString(CultureInfo.InvariantCulture),
                },
                ["isBlindAppend"] = mode == OutputMode.Append,
                ["engineInfo"] = "Sluice",
            },
        });
        return string.Join("\n", actions.Select(a => JsonSerializer.Serialize(a))) + "\n";
    }

    private async Task<Dictionary<string, object>> WriteDataFileAsync(long batchId, int writerIndex, StreamSchema schema, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"part-{batchId:D5}-{writerIndex:D5}-{queryId:N}.parquet");
        var target = await Storage.HiddenTempFile.WriteAsync(Table, name, stream => ParquetDataFile.WriteAsync(stream, schema, rows, cancellationToken));
        return new Dictionary<string, object>
        {
            ["path"] = name,
            ["partitionValues"] = new Dictionary<string, string>(),
            ["size"] = new FileInfo(target).Length,
            ["modificationTime"] = time.GetUtcNow().ToUnixTimeMilliseconds(),
            ["dataChange"] = true,
            ["stats"] = DeltaStats.Of(schema, rows),
        };
    }
}
