using Sluice.Sources;
using Sluice.Storage;

namespace Sluice.Connectors.Files;

/// <summary>Reads the files of offsets [start, end) as the <see cref="FileSourceLog"/> lists them: a replay reads the same files.</summary>
internal sealed class FilesPartitionReader(IFileStore store, FileSourceLog log, FileRecords records) : IPartitionReader
{
    private List<FileSourceLog.FileEntry> _files = [];

    public async Task<ReadResult> ReadAsync(long start, long end, List<object?[]> output, CancellationToken cancellationToken)
    {
        if (end > _files.Count)
        {
            _files = await log.ReadAllAsync(cancellationToken);
            if (end > _files.Count)
            {
                throw new InvalidOperationException($"{log} lists {_files.Count} files, but the batch reads files [{start}, {end}).");
            }
        }
        long read = 0, malformed = 0, dropped = 0;
        for (var i = start; i < end; i++)
        {
            var file = _files[(int)i];
            byte[] data;
            try
            {
                data = await store.ReadAllAsync(file.Path, cancellationToken);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                throw new InvalidOperationException(
                    $"File {file.Path} of this batch is gone: a file must stay in the source folder until its batch commits (cleanSource moves or deletes it only then).", e);
            }
            var result = await records.ReadAsync(file.Path, data, output, cancellationToken);
            read += result.RecordsRead;
            malformed += result.Malformed;
            dropped += result.Dropped;
        }
        return new ReadResult(read, malformed, dropped);
    }

    public void Dispose()
    {
    }
}
