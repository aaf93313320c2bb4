using Microsoft.Extensions.Configuration;

namespace Sluice.Silo.Hosting;

/// <summary>
/// Settings earlier builds read and this one does not: configuration binding ignores unknown keys, so without this
/// check an operator's setting would silently stop doing anything. Each names what replaced it.
/// </summary>
internal static class RetiredSettings
{
    private static readonly (string Key, string Instead)[] Retired =
    [
        ("Sluice:State:MinVersionsToRetain",
            "checkpoint retention is the query option minBatchesToRetain (default 100, as Spark's), which also bounds offsets and commits; " +
            "remove the setting and give the option in the query's \"options\" where 100 does not suit"),
    ];

    /// <summary>Fails with a message naming the retired setting and its replacement.</summary>
    public static void Refuse(IConfiguration configuration)
    {
        foreach (var (key, instead) in Retired)
        {
            if (configuration[key] is not null)
            {
                throw new InvalidOperationException($"{key} is no longer read: {instead}.");
            }
        }
    }
}
