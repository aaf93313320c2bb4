using Azure;
using Azure.Storage.Blobs.Models;

namespace Sluice.Checkpointing.Blob;

/// <summary>Sorts the Azure SDK's failures: "already exists", "not found", and "cannot reach the account" (which gets a message that says what to start).</summary>
internal static class BlobFailures
{
    /// <summary>A create-if-absent write lost: the blob exists (409 BlobAlreadyExists, or 412 for If-None-Match: *).</summary>
    public static bool IsAlreadyExists(RequestFailedException e) =>
        e.Status == 412 || e.ErrorCode == BlobErrorCode.BlobAlreadyExists;

    public static bool IsNotFound(RequestFailedException e) => e.Status == 404;

    public static bool IsContainerNotFound(RequestFailedException e) => e.ErrorCode == BlobErrorCode.ContainerNotFound;

    /// <summary>
    /// No HTTP answer at all: a refused or timed-out connection (status 0), or the retry policy giving up on
    /// such failures (it throws an <see cref="AggregateException"/> of them).
    /// </summary>
    public static bool IsUnreachable(Exception e) => e switch
    {
        RequestFailedException { Status: 0 } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(IsUnreachable),
        _ => false,
    };

    /// <summary>The message for an account that does not answer: the endpoint, and whether Azurite or Azure should be running there.</summary>
    public static string Unreachable(Uri endpoint, string location, Exception e)
    {
        var local = endpoint.IsLoopback || endpoint.AbsolutePath.Contains("devstoreaccount1", StringComparison.Ordinal);
        var hint = local
            ? "Azurite does not seem to be running there: start it with scripts/azurite.sh"
            : "The Azure Storage account does not answer from here: check the account name, DNS, firewall and network";
        return $"Cannot reach the blob endpoint {endpoint} of checkpoint {location} ({Innermost(e).Message}). " +
            $"{hint}, and check Sluice:Blob:ConnectionString.";
    }

    private static Exception Innermost(Exception e)
    {
        while (true)
        {
            var next = e is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[^1] : e.InnerException;
            if (next is null)
            {
                return e;
            }
            e = next;
        }
    }
}
