namespace Sluice.Connectors.Files;

/// <summary>Settings of the parquet and json sinks (Spark's <c>spark.sql.streaming.fileSink.log.*</c>).</summary>
internal sealed class FileSinkOptions
{
    /// <summary>
    /// Every this many batches the manifest is compacted into <c>_sluice_sink/N.compact</c> and older entries are
    /// deleted (Spark's <c>fileSink.log.compactInterval</c>, default 10).
    /// </summary>
    public int CompactInterval { get; set; } = 10;
}
