using System.Globalization;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Sluice.Checkpointing;
using Sluice.Client;
using Sluice.Spec;
using Sluice.Storage;

namespace Sluice.IntegrationTests;

/// <summary>
/// S3 against s3rver (scripts/s3rver.sh): checkpoints and the files source on <c>s3://bucket/prefix</c>. s3rver ignores
/// <c>If-None-Match</c>, so the race of two writers for one log entry is not shown here (docs/connectors.md).
/// </summary>
[Collection(SiloCollection.Name)]
public sealed class S3Tests(SiloFixture silo)
{
    private static readonly S3Options Options = new()
    {
        ServiceUrl = SiloFixture.S3ServiceUrl,
        AccessKey = "S3RVER",
        SecretKey = "S3RVER",
        ForcePathStyle = true,
    };

    private static string Prefix() => "t" + Guid.NewGuid().ToString("N")[..10];

    private static async Task PutAsync(IAmazonS3 s3, string key, string content)
    {
        try
        {
            await s3.PutBucketAsync(SiloFixture.S3Bucket);
        }
        catch (AmazonS3Exception)
        {
            // Already there.
        }
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = SiloFixture.S3Bucket, Key = key, ContentBody = content, UseChunkEncoding = false });
    }

    [Fact]
    public async Task CheckpointStore_CreatesOnce_ReadsListsAndDeletes()
    {
        var store = new S3CheckpointStore(S3Clients.Create(Options), Sluice.Storage.S3Location.Parse($"s3://{SiloFixture.S3Bucket}/{Prefix()}"));

        Assert.True(await store.TryCreateAsync("offsets/0", "v1\nfirst\n"));
        Assert.False(await store.TryCreateAsync("offsets/0", "v1\nsecond\n"));
        Assert.True(await store.TryCreateAsync("offsets/1", "v1\nx\n"));

        Assert.Equal("v1\nfirst\n", await store.ReadAsync("offsets/0"));
        Assert.Null(await store.ReadAsync("offsets/7"));
        Assert.Equal(["0", "1"], (await store.ListAsync("offsets")).Order(StringComparer.Ordinal));
        await store.DeleteAsync("offsets/0");
        Assert.Equal(["1"], await store.ListAsync("offsets"));
        var log = new MetadataLog<CommitEntry>(store, "commits", CommitEntryFormat.Instance);
        Assert.True(await log.AddAsync(0, new CommitEntry(5)));
        Assert.Equal(5, (await log.GetAsync(0))!.NextBatchWatermarkMs);
    }

    [Fact]
    public async Task FilesSourceOnS3_WithAnS3Checkpoint_ReadsEachObjectOnce_AcrossARestart()
    {
        using var s3 = S3Clients.Create(Options);
        var prefix = Prefix();
        var name = "s3" + prefix;
        await PutAsync(s3, $"{prefix}/in/a.json", "{\"id\": 1}\n{\"id\": 2}\n");
        await PutAsync(s3, $"{prefix}/in/.b.json.tmp", "{\"id\": 99}\n");
        var spec = SpecReader.Read($$$"""
            {"name": "{{{name}}}",
             "source": {"kind": "files", "path": "s3://{{{SiloFixture.S3Bucket}}}/{{{prefix}}}/in", "format": "json", "schema": {"id": "int"}},
             "sink": {"kind": "memory"},
             "trigger": {"availableNow": true},
             "checkpointLocation": "s3://{{{SiloFixture.S3Bucket}}}/{{{prefix}}}/checkpoint"}
            """);

        await (await silo.Client.StartAsync(spec)).AwaitTerminationAsync();
        await PutAsync(s3, $"{prefix}/in/c.json", "{\"id\": 3}\n");
        await (await silo.Client.StartAsync(spec)).AwaitTerminationAsync();

        var ids = (await silo.Client.ReadMemorySinkAsync(name)).Rows.Select(r => Convert.ToInt32(r[0], CultureInfo.InvariantCulture)).Order();
        Assert.Equal([1, 2, 3], ids);
        var commits = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = SiloFixture.S3Bucket, Prefix = $"{prefix}/checkpoint/commits/" });
        Assert.Equal(2, commits.S3Objects.Count);
        using var offsets = await s3.GetObjectAsync(SiloFixture.S3Bucket, $"{prefix}/checkpoint/offsets/1");
        Assert.StartsWith("v1\n", await new StreamReader(offsets.ResponseStream, Encoding.UTF8).ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Checkpoint_InABucketTheSiloDoesNotAllow_IsRefused()
    {
        var spec = SpecReader.Read("""
            {"name": "s3refused", "source": {"kind": "rate"}, "sink": {"kind": "memory"}, "checkpointLocation": "s3://someone-elses/cp"}
            """);

        var e = await Assert.ThrowsAnyAsync<Exception>(() => silo.Client.StartAsync(spec));

        Assert.Contains("Sluice:S3:AllowedBuckets", e.Message, StringComparison.Ordinal);
    }
}
