using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Sluice.Silo.Hosting;

namespace Sluice.Silo.Http;

/// <summary>
/// The keys that open the HTTP API, the streaming UI and the Orleans Dashboard: the configured <c>Http:ApiKeys</c>,
/// or, in embedded mode on loopback with none configured, one generated at start and printed with the UI's URL (as
/// Jupyter does). Only SHA-256 hashes are kept, and a presented key is compared with every one in constant time.
/// </summary>
public sealed class HttpApiKeys
{
    /// <summary>Shorter configured keys are refused: a key is the only thing between the network and stop/restart.</summary>
    public const int MinimumLength = 16;

    private const string Hint = "e.g. the environment variable Http__ApiKeys__0 from a secret, or --Http:ApiKeys:0=KEY; make one with `openssl rand -hex 32`";

    private readonly byte[][] _keys;
    private readonly byte[][] _cookies;

    private HttpApiKeys(IReadOnlyList<string> keys, string? generated)
    {
        _keys = [.. keys.Select(k => Hash("key", k))];
        _cookies = [.. keys.Select(k => Hash("dashboard-cookie", k))];
        GeneratedKey = generated;
    }

    /// <summary>The key generated for this run, or null when the keys come from configuration.</summary>
    public string? GeneratedKey { get; }

    /// <summary>
    /// The configured keys, or a generated one where that is safe (embedded mode, HTTP on loopback). Throws, naming
    /// <c>Http:ApiKeys</c>, in cluster mode or on a reachable interface without a key, and for a key that is too short.
    /// </summary>
    public static HttpApiKeys Resolve(HttpSettings http, SiloMode mode)
    {
        var keys = http.ApiKeys.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => k.Trim()).ToList();
        if (keys.FirstOrDefault(k => k.Length < MinimumLength) is { } shortKey)
        {
            throw new InvalidOperationException(
                $"Http:ApiKeys:{keys.IndexOf(shortKey)} has {shortKey.Length} characters; an API key needs at least {MinimumLength} ({Hint}).");
        }
        if (keys.Count > 0)
        {
            return new HttpApiKeys(keys, generated: null);
        }
        if (mode == SiloMode.Cluster)
        {
            throw new InvalidOperationException(
                $"Cluster mode (Silo:Mode=cluster) needs an API key for the HTTP API, UI and Dashboard: set Http:ApiKeys ({Hint}). " +
                "See docs/security.md.");
        }
        if (!IsLoopback(http.Host))
        {
            throw new InvalidOperationException(
                $"Http:Host is '{http.Host}', which other machines can reach, and no Http:ApiKeys is set: set one ({Hint}), " +
                "or listen on localhost only (Http:Host=localhost), where the silo generates a key at start. See docs/security.md.");
        }
        var generated = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        return new HttpApiKeys([generated], generated);
    }

    /// <summary>Whether <paramref name="key"/> is one of the keys.</summary>
    public bool Matches(string key) => AnyEqual(_keys, Hash("key", key));

    /// <summary>
    /// The dashboard cookie's value for <paramref name="key"/>: derived from the key, not the key itself, so a cookie
    /// cannot be replayed as a key in a header (the only credential POSTs accept).
    /// </summary>
    public static string CookieValue(string key) => Base64Url.EncodeToString(Hash("dashboard-cookie", key));

    /// <summary>Whether <paramref name="value"/> is the dashboard cookie of one of the keys.</summary>
    public bool MatchesCookie(string value)
    {
        var bytes = new byte[SHA256.HashSizeInBytes];
        return Base64Url.TryDecodeFromChars(value, bytes, out var written) && written == bytes.Length && AnyEqual(_cookies, bytes);
    }

    /// <summary><c>localhost</c> or a loopback address (<c>127.0.0.1</c>, <c>::1</c>).</summary>
    internal static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));

    private static byte[] Hash(string purpose, string key) => SHA256.HashData(Encoding.UTF8.GetBytes($"sluice-{purpose}\n{key}"));

    // Compares with every key, not stopping at a match, so the time taken does not tell which key matched.
    private static bool AnyEqual(byte[][] candidates, byte[] value)
    {
        var found = false;
        foreach (var candidate in candidates)
        {
            found |= CryptographicOperations.FixedTimeEquals(candidate, value);
        }
        return found;
    }
}
