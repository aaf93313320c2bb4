namespace Sluice.Security;

/// <summary>Limits on what one caller can ask of a silo (configuration section <c>Sluice:Limits</c>).</summary>
public sealed class SpecLimitsOptions
{
    /// <summary>The largest spec a query may have, in bytes of its compact JSON (inline table rows count). Default 1 MiB.</summary>
    public int MaxSpecBytes { get; set; } = 1024 * 1024;

    /// <summary>How many queries may be active on the cluster at once. Default 100.</summary>
    public int MaxActiveQueries { get; set; } = 100;

    /// <summary>
    /// How long one match of <c>regexp_extract</c> or <c>split</c> on one value may take before the batch fails with an
    /// error naming the pattern (a pattern that backtracks catastrophically would otherwise hold the query, and the
    /// silo's thread, for hours). Default one second; a healthy pattern takes microseconds. <see cref="TimeSpan.Zero"/>
    /// means no limit, as in Spark. It applies to the whole process (the last silo configured in it sets it).
    /// </summary>
    public TimeSpan RegexMatchTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Fails with a message naming the setting to fix.</summary>
    public void Validate()
    {
        if (MaxSpecBytes < 1024)
        {
            throw new InvalidOperationException($"Sluice:Limits:MaxSpecBytes is {MaxSpecBytes}; set at least 1024 (default 1048576, 1 MiB).");
        }
        if (MaxActiveQueries < 1)
        {
            throw new InvalidOperationException($"Sluice:Limits:MaxActiveQueries is {MaxActiveQueries}; set at least 1 (default 100).");
        }
        if (RegexMatchTimeout < TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Sluice:Limits:RegexMatchTimeout is {RegexMatchTimeout}; set 00:00:00 (no limit) or more (default 00:00:01).");
        }
    }
}
