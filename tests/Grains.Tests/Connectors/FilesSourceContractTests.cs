using System.Text;
using Parquet.Serialization;
using Sluice.Spec;

namespace Sluice.Tests.Connectors;

/// <summary>The source contract for the files source, in each of its formats; each batch of records is a new file.</summary>
public abstract class FilesSourceContractTests : SourceConnectorContractTests
{
    protected string Input => Path.Combine(Root, "input");

    protected abstract string Format { get; }

    protected override SourceSpec Spec => new()
    {
        Kind = "files",
        Path = Input,
        Format = Format,
        Schema = Format == "text" ? [] : [new("id", "int"), new("word", "string")],
    };

    protected override (SourceSpec Spec, string Path) BadSpec => (Spec with { Format = "xml" }, "$.source.format");

    protected override async Task AddRecordsAsync(int batch)
    {
        Directory.CreateDirectory(Input);
        var rows = Enumerable.Range(batch * 10, 3).Select(i => (Id: i, Word: $"w{i}")).ToList();
        var name = Path.Combine(Input, $"part-{batch}.{Format}");
        // Written under a hidden name and renamed into place: the source never lists a half-written file.
        var temp = Path.Combine(Input, $".part-{batch}.tmp");
        await File.WriteAllBytesAsync(temp, await ContentAsync(rows));
        File.Move(temp, name);
        File.SetLastWriteTimeUtc(name, DateTime.UnixEpoch.AddSeconds(1_000 + batch));
    }

    protected abstract Task<byte[]> ContentAsync(List<(int Id, string Word)> rows);
}

public sealed class JsonFilesSourceContractTests : FilesSourceContractTests
{
    protected override string Format => "json";

    protected override Task<byte[]> ContentAsync(List<(int Id, string Word)> rows) =>
        Task.FromResult(Encoding.UTF8.GetBytes(string.Concat(rows.Select(r => $"{{\"id\": {r.Id}, \"word\": \"{r.Word}\"}}\n"))));
}

public sealed class CsvFilesSourceContractTests : FilesSourceContractTests
{
    protected override string Format => "csv";

    protected override Task<byte[]> ContentAsync(List<(int Id, string Word)> rows) =>
        Task.FromResult(Encoding.UTF8.GetBytes(string.Concat(rows.Select(r => $"{r.Id},\"{r.Word}\"\n"))));
}

public sealed class TextFilesSourceContractTests : FilesSourceContractTests
{
    protected override string Format => "text";

    protected override Task<byte[]> ContentAsync(List<(int Id, string Word)> rows) =>
        Task.FromResult(Encoding.UTF8.GetBytes(string.Concat(rows.Select(r => $"{r.Id} {r.Word}\n"))));
}

public sealed class ParquetFilesSourceContractTests : FilesSourceContractTests
{
    protected override string Format => "parquet";

    protected override async Task<byte[]> ContentAsync(List<(int Id, string Word)> rows)
    {
        using var stream = new MemoryStream();
        await ParquetSerializer.SerializeAsync(rows.Select(r => new Record { id = r.Id, word = r.Word }), stream);
        return stream.ToArray();
    }

#pragma warning disable IDE1006, CA1707 // the parquet column names
    private sealed class Record
    {
        public int id { get; set; }

        public string word { get; set; } = "";
    }
#pragma warning restore IDE1006, CA1707
}
