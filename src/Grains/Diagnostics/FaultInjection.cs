using System.Diagnostics;
using System.Globalization;

namespace Sluice.Diagnostics;

/// <summary>
/// A test-only switch that breaks a batch at a point of the batch protocol, to prove recovery is exact. Set
/// <c>SLUICE_FAULT=&lt;point&gt;@&lt;batchId&gt;[:lose|:throw]</c> in the silo's environment; unset (always, outside
/// tests) it does nothing. Without a suffix it kills the process (like a power cut). <c>:lose</c> fails the batch once
/// as a grain lost with a silo would (<see cref="Contracts.BatchAttemptLostException"/>), to prove the coordinator's
/// restart is exact; <c>:throw</c> fails it once with an <see cref="IOException"/>, as a broken sink or disk would,
/// which fails the query (a restart of the query recovers it). Points, in protocol order: <c>afterOffsets</c>
/// (offsets/N written), <c>afterSomeAgentsRead</c> (one partition agent finished batch N), <c>afterStateStaged</c>
/// (every agent's rows applied to state), <c>afterSinkStaged</c> (output staged at the sink), <c>sinkWrite</c> (inside
/// the sink's write of N, after what a failure there could leave behind: a Kafka transaction begun, data files without
/// their manifest entry), <c>afterSinkCommitted</c> (the sink committed N, no commits/N yet), <c>afterCommitLog</c>
/// (commits/N written). Tests with an in-process silo use <see cref="Arm"/> instead of the variable.
/// </summary>
public static class FaultInjection
{
    public const string Variable = "SLUICE_FAULT";

    /// <summary>The point inside a sink's write of a batch; its scope is the sink (see <see cref="Arm"/>).</summary>
    public const string SinkWrite = "sinkWrite";

    public static readonly string[] Points = ["afterOffsets", "afterSomeAgentsRead", "afterStateStaged", "afterSinkStaged", SinkWrite, "afterSinkCommitted", "afterCommitLog"];

    private static Fault? s_armed = Parse(Environment.GetEnvironmentVariable(Variable), scope: null);

    /// <summary>
    /// Arms <paramref name="fault"/> (<c>&lt;point&gt;@&lt;batchId&gt;[:lose|:throw]</c>, as the variable takes it) in this
    /// process until disposed. <paramref name="scope"/>, when given, limits it to one sink, so other queries of an
    /// in-process silo are not hit: the query name for the memory, console and stream sinks, the query id
    /// (<c>N</c> format) for the Kafka and foreachBatch sinks, the absolute output folder for the file sinks.
    /// </summary>
    public static IDisposable Arm(string fault, string? scope = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fault);
        var armed = Parse(fault, scope)!;
        Volatile.Write(ref s_armed, armed);
        return new Disarm(armed);
    }

    /// <summary>
    /// Kills this process (no cleanup, no graceful shutdown) when the switch names this point and batch (and
    /// <paramref name="scope"/>, when it was armed with one); in <c>:lose</c> and <c>:throw</c> modes, fails it once instead.
    /// </summary>
    public static void Hit(string point, long batchId, string? scope = null)
    {
        if (Volatile.Read(ref s_armed) is not { } armed || armed.Point != point || armed.BatchId != batchId || (armed.Scope is not null && armed.Scope != scope))
        {
            return;
        }
        if (armed.Mode == "kill")
        {
            Console.Error.WriteLine($"{Variable}: killing the silo at {point} of batch {batchId}");
            Process.GetCurrentProcess().Kill();
        }
        if (Interlocked.Exchange(ref armed.Fired, 1) != 0)
        {
            return;
        }
        if (armed.Mode == "lose")
        {
            Console.Error.WriteLine($"{Variable}: losing batch {batchId} at {point}");
            throw new Contracts.BatchAttemptLostException($"{Variable}: batch {batchId} lost at {point} (injected)");
        }
        Console.Error.WriteLine($"{Variable}: failing batch {batchId} at {point}");
        throw new IOException($"{Variable}: batch {batchId} failed at {point} (injected)");
    }

    private static Fault? Parse(string? value, string? scope)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        var mode = colon < 0 ? "kill" : value[(colon + 1)..];
        var parts = (colon < 0 ? value : value[..colon]).Split('@');
        if (parts.Length != 2 || !Points.Contains(parts[0]) || mode is not ("kill" or "lose" or "throw") || (colon >= 0 && mode == "kill")
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var batchId))
        {
            throw new InvalidOperationException(
                $"{Variable}='{value}' is not <point>@<batchId>[:lose|:throw] with a point among {string.Join(", ", Points)}");
        }
        return new Fault(parts[0], batchId, mode, scope);
    }

    private sealed class Fault(string point, long batchId, string mode, string? scope)
    {
        public int Fired;

        public string Point { get; } = point;

        public long BatchId { get; } = batchId;

        public string Mode { get; } = mode;

        public string? Scope { get; } = scope;
    }

    private sealed class Disarm(Fault armed) : IDisposable
    {
        public void Dispose() => Interlocked.CompareExchange(ref s_armed, null, armed);
    }
}
