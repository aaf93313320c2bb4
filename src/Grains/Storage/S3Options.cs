namespace Sluice.Storage;

/// <summary>How <c>s3://bucket/prefix</c> locations reach S3 or an S3-compatible store (configuration section <c>Sluice:S3</c>).</summary>
public sealed class S3Options
{
    /// <summary>The service URL for an S3-compatible store or emulator (e.g. <c>http://127.0.0.1:4569</c>); empty for AWS itself.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>The AWS region (default <c>us-east-1</c>).</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>Access key id; empty to use the SDK's default credential chain (environment, profile, instance role).</summary>
    public string? AccessKey { get; set; }

    /// <summary>Secret access key, with <see cref="AccessKey"/>.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Path-style addressing (<c>host/bucket/key</c>), which emulators need; virtual-host style for AWS otherwise.</summary>
    public bool ForcePathStyle { get; set; }

    /// <summary>
    /// The buckets <c>s3://</c> locations may be in (a list; an entry may hold several, separated by commas). None by
    /// default: the credentials may reach more than queries should.
    /// </summary>
    public List<string> AllowedBuckets { get; set; } = [];
}
