using Sluice.Contracts;

namespace Sluice.Security;

/// <summary>
/// Which librdkafka settings and brokers a spec may use. A Kafka source passes its <c>options</c> (with or without
/// Spark's <c>kafka.</c> prefix) to librdkafka, and some settings make the silo load a library, run a command, read or
/// write a local file, or send credentials to a URL: those are refused unless the operator lists them in
/// <c>Sluice:Kafka:AllowedSettings</c>. Names are judged by family as well as exactly, so a setting a newer librdkafka
/// adds to a family (say another <c>*.location</c>) is refused too.
/// </summary>
internal sealed class KafkaSettingsPolicy
{
    private const string SparkPrefix = "kafka.";

    // Families first, by what they let a spec do to the silo's machine.
    private static readonly (string Prefix, string Why)[] RestrictedFamilies =
    [
        ("plugin.", "loads native libraries into the silo"),
        ("interceptor", "loads native plugin code into the silo"),
        ("ssl.engine.", "loads an OpenSSL engine library into the silo"),
        ("sasl.kerberos.", "runs a kinit command and reads a keytab file on the silo"),
        ("sasl.oauthbearer.", "fetches tokens from a URL with credentials, or reads key and assertion files, on the silo"),
        ("offset.store.", "writes offset files on the silo's disk"),
    ];

    private static readonly (string Suffix, string Why)[] RestrictedSuffixes =
    [
        (".location", "reads a file or folder on the silo"),
        (".file", "reads a file on the silo"),
        (".path", "reads or writes a path on the silo"),
        (".paths", "loads files from the silo"),
        (".cmd", "runs a command on the silo"),
        ("_cb", "is a callback, which only the host sets"),
    ];

    private static readonly Dictionary<string, string> RestrictedNames = new(StringComparer.Ordinal)
    {
        ["ssl.providers"] = "loads OpenSSL provider libraries into the silo",
        ["opaque"] = "is a pointer, which only the host sets",
    };

    private readonly HashSet<string> _allowedNames;
    private readonly List<string> _allowedFamilies;
    private readonly HashSet<string> _allowedServers;

    public KafkaSettingsPolicy(KafkaPolicyOptions options, string? siloBootstrapServers)
    {
        var allowed = SettingLists.Entries(options.AllowedSettings).Select(s => s.ToLowerInvariant()).ToList();
        _allowedNames = allowed.Where(s => !s.EndsWith('*')).ToHashSet(StringComparer.Ordinal);
        _allowedFamilies = allowed.Where(s => s.EndsWith('*')).Select(s => s.TrimEnd('*')).ToList();
        _allowedServers = SettingLists.Entries(options.AllowedBootstrapServers).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (_allowedServers.Count > 0 && siloBootstrapServers is not null)
        {
            _allowedServers.UnionWith(SettingLists.Entries([siloBootstrapServers]));
        }
    }

    /// <summary>Why <paramref name="key"/> (a librdkafka name, without <c>kafka.</c>) is restricted, or null when any spec may set it.</summary>
    public static string? RestrictedBecause(string key)
    {
        var name = key.Trim().ToLowerInvariant();
        if (RestrictedNames.TryGetValue(name, out var why))
        {
            return why;
        }
        foreach (var (prefix, reason) in RestrictedFamilies)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return reason;
            }
        }
        foreach (var (suffix, reason) in RestrictedSuffixes)
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal))
            {
                return reason;
            }
        }
        return null;
    }

    /// <summary>Throws a <see cref="QueryStartException"/> naming the first option the operator has not allowed.</summary>
    public void CheckOptions(IReadOnlyDictionary<string, string> options, string where)
    {
        foreach (var rawKey in options.Keys)
        {
            var key = rawKey.StartsWith(SparkPrefix, StringComparison.OrdinalIgnoreCase) ? rawKey[SparkPrefix.Length..] : rawKey;
            if (RestrictedBecause(key) is { } why && !IsAllowed(key))
            {
                throw new QueryStartException(
                    $"{where} sets the Kafka option '{rawKey}', which {why}, so a spec may not set it. " +
                    $"If this silo's operator trusts every spec author with it, add '{key.Trim().ToLowerInvariant()}' to Sluice:Kafka:AllowedSettings " +
                    "in the silo's configuration (e.g. Sluice__Kafka__AllowedSettings__0); otherwise remove the option.");
            }
        }
    }

    /// <summary>Throws a <see cref="QueryStartException"/> when a spec names brokers outside <c>Sluice:Kafka:AllowedBootstrapServers</c>.</summary>
    public void CheckBootstrapServers(string? servers, string where)
    {
        if (servers is null || _allowedServers.Count == 0)
        {
            return;
        }
        var refused = SettingLists.Entries([servers]).Where(s => !_allowedServers.Contains(s)).ToList();
        if (refused.Count > 0)
        {
            throw new QueryStartException(
                $"{where} names the bootstrap servers '{string.Join(",", refused)}', which this silo does not allow. Allowed: " +
                $"{string.Join(", ", _allowedServers.Order(StringComparer.Ordinal))} (Sluice:Kafka:AllowedBootstrapServers). " +
                "Omit bootstrapServers to use the silo's Kafka, or ask the operator to add the servers.");
        }
    }

    private bool IsAllowed(string key)
    {
        var name = key.Trim().ToLowerInvariant();
        return _allowedNames.Contains(name) || _allowedFamilies.Any(f => name.StartsWith(f, StringComparison.Ordinal));
    }
}
