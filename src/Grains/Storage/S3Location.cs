namespace Sluice.Storage;

/// <summary>An <c>s3://bucket/prefix</c> location: the bucket and the key prefix (no leading or trailing '/').</summary>
public readonly record struct S3Location(string Bucket, string Prefix)
{
    public const string Scheme = "s3://";

    public static bool IsS3(string location) => location.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    public static S3Location Parse(string location)
    {
        if (!IsS3(location))
        {
            throw new FormatException($"'{location}' is not an S3 location (s3://bucket/prefix)");
        }
        var rest = location[Scheme.Length..].Trim('/');
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        if (bucket.Length == 0)
        {
            throw new FormatException($"'{location}' names no bucket; use s3://bucket/prefix");
        }
        return new S3Location(bucket, slash < 0 ? "" : rest[(slash + 1)..].Trim('/'));
    }

    /// <summary>The key of <paramref name="path"/> (relative, '/'-separated) under the prefix.</summary>
    public string Key(string path) => Prefix.Length == 0 ? path.TrimStart('/') : $"{Prefix}/{path.TrimStart('/')}";

    public override string ToString() => Prefix.Length == 0 ? $"{Scheme}{Bucket}" : $"{Scheme}{Bucket}/{Prefix}";
}
