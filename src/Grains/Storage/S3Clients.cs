using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Sluice.Storage;

/// <summary>Builds the S3 client of the silo's <see cref="S3Options"/>.</summary>
internal static class S3Clients
{
    public static IAmazonS3 Create(S3Options options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            // Checksums only where S3 requires them: the SDK's default trailing checksums use aws-chunked uploads,
            // which S3-compatible stores and emulators (s3rver) store as they arrive, chunk headers and all.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        return string.IsNullOrWhiteSpace(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }
}
