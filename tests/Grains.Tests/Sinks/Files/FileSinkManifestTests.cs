using Sluice.Data;

namespace Sluice.Tests.Sinks.Files;

public sealed class FileSinkManifestTests : IDisposable
{
    private readonly SinkFolder _folder = new();

    private void WriteLog(string name, string text)
    {
        Directory.CreateDirectory(_folder.LogPath);
        File.WriteAllText(Path.Combine(_folder.LogPath, name), text);
    }

    [Fact]
    public void Format_Files_IsTheVersionLineThenOneJsonLinePerFile()
    {
        var text = FileSinkManifest.Format([new("part-00003-00000.parquet", 2048, 120)]);

        Assert.Equal("v1\n{\"path\":\"part-00003-00000.parquet\",\"size\":2048,\"rows\":120}\n", text);
        Assert.Equal([new FileSinkManifest.DataFile("part-00003-00000.parquet", 2048, 120)], FileSinkManifest.Parse(text, "3"));
    }

    [Fact]
    public void Read_NoLog_IsEmpty()
    {
        var log = FileSinkManifest.Read(_folder.Path);

        Assert.Empty(log.Files);
        Assert.Equal(-1, log.LatestBatchId);
        Assert.False(log.Contains(0));
    }

    [Fact]
    public void Read_CompactFileAndLaterEntries_ListsFilesInBatchOrderAndSkipsEntriesTheCompactFileCovers()
    {
        WriteLog("9.compact", FileSinkManifest.Format([new("part-00000-00000.json", 1, 1), new("part-00009-00000.json", 1, 1)]));
        WriteLog("9", FileSinkManifest.Format([new("part-00009-00000.json", 1, 1)]));
        WriteLog("11", FileSinkManifest.Format([new("part-00011-00000.json", 1, 1)]));
        WriteLog("10", FileSinkManifest.Format([new("part-00010-00000.json", 1, 1)]));
        WriteLog(".12.0123.tmp", "v1\n");

        var log = FileSinkManifest.Read(_folder.Path);

        Assert.Equal(["part-00000-00000.json", "part-00009-00000.json", "part-00010-00000.json", "part-00011-00000.json"], log.Files.Select(f => f.Path));
        Assert.Equal(9, log.LatestCompactId);
        Assert.Equal(11, log.LatestBatchId);
        Assert.True(log.Contains(3));
        Assert.False(log.Contains(12));
        Assert.True(FileSinkManifest.IsCommitted(_folder.Path, 4));
        Assert.False(FileSinkManifest.IsCommitted(_folder.Path, 12));
    }

    [Theory]
    [InlineData("", "it is empty or truncated")]
    [InlineData("v2\n", "its first line is not the manifest version 'v1'")]
    [InlineData("v1\n{\"path\":\"a.json\",\"size\":1}\n", "the line '{\"path\":\"a.json\",\"size\":1}' is not")]
    [InlineData("v1\n{\"path\":\"../a.json\",\"size\":1,\"rows\":1}\n", "'../a.json' is not a data file name")]
    public void Read_DamagedEntry_FailsNamingTheFileAndTheProblem(string text, string problem)
    {
        WriteLog("0", text);

        var error = Assert.Throws<InvalidDataException>(() => FileSinkManifest.Read(_folder.Path));

        Assert.Contains(Path.Combine(_folder.LogPath, "0"), error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_FileThatIsNotABatchId_IsCorruption()
    {
        WriteLog("notes.txt", "v1\n");

        var error = Assert.Throws<InvalidDataException>(() => FileSinkManifest.Read(_folder.Path));

        Assert.Contains("neither a batch id nor '<batch id>.compact'", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();
}
