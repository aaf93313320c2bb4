using Sluice.Columnar;

namespace Sluice.Sources;

/// <summary>
/// A reader that parses straight into columns: a partition agent reads through this when the reader has it, and
/// keeps the batch columnar as far as the plan has kernels (<see cref="Planning.QueryPlan"/>), turning it into rows
/// only where it does not. Connectors without it are read through <see cref="IPartitionReader.ReadAsync"/>.
/// </summary>
internal interface IColumnarPartitionReader : IPartitionReader
{
    /// <summary>
    /// Reads exactly [start, end) into <paramref name="output"/> (empty, laid out by the source's schema), appending
    /// to every column <see cref="ColumnBatch.IsRead"/> says is wanted and setting <see cref="ColumnBatch.RowCount"/>.
    /// </summary>
    Task<ReadResult> ReadColumnsAsync(long start, long end, ColumnBatch output, CancellationToken cancellationToken);
}
