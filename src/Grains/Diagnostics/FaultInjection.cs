using System.Diagnostics;
using System.Globalization;

namespace Sluice.Diagnostics;

/// <summary>
/// A test-only switch that kills the silo process at a point of the batch protocol, to prove recovery is exact.
/// Set <c>SLUICE_FAULT=&lt;point&gt;@&lt;batchId&gt;</c> in the silo's environment; unset (always, outside tests) it
/// does nothing. With <c>:lose</c> appended it does not kill: the first time the point is reached it fails the batch
/// as a grain lost with a silo would (<see cref="Contracts.BatchAttemptLostException"/>), to prove the coordinator's
/// restart is exact too. Points, in protocol order: <c>afterOffsets</c> (offsets/N written), <c>afterSomeAgentsRead</c>
/// (one partition agent finished batch N), <c>afterStateStaged</c> (every agent's rows applied to state),
/// <c>afterSinkStaged</c> (output staged at the sink), <c>afterSinkCommitted</c> (the sink committed N, no commits/N
/// yet), <c>afterCommitLog</c> (commits/N written).
/// </summary>
public static class FaultInjection
{
    public const string Variable = "SLUICE_FAULT";

    public static readonly string[] Points = ["afterOffsets", "afterSomeAgentsRead", "afterStateStaged", "afterSinkStaged", "afterSinkCommitted", "afterCommitLog"];

    private const string LoseSuffix = ":lose";

    private static readonly (string Point, long BatchId, bool Lose)? Armed = Parse(Environment.GetEnvironmentVariable(Variable));

    private static int s_lost;

    /// <summary>
    /// Kills this process (like a power cut: no cleanup, no graceful shutdown) when the switch names this point and
    /// batch; in <c>:lose</c> mode, fails the batch once instead.
    /// </summary>
    public static void Hit(string point, long batchId)
    {
        if (Armed is not { } armed || armed.Point != point || armed.BatchId != batchId)
        {
            return;
        }
        if (armed.Lose)
        {
            if (Interlocked.Exchange(ref s_lost, 1) == 0)
            {
                Console.Error.WriteLine($"{Variable}: losing batch {batchId} at {point}");
                throw new Contracts.BatchAttemptLostException($"{Variable}: batch {batchId} lost at {point} (injected)");
            }
            return;
        }
        Console.Error.WriteLine($"{Variable}: killing the silo at {point} of batch {batchId}");
        Process.GetCurrentProcess().Kill();
    }

    private static (string, long, bool)? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        var lose = value.EndsWith(LoseSuffix, StringComparison.Ordinal);
        var parts = (lose ? value[..^LoseSuffix.Length] : value).Split('@');
        return parts.Length == 2 && Points.Contains(parts[0]) && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var batch)
            ? (parts[0], batch, lose)
            : throw new InvalidOperationException($"{Variable}='{value}' is not <point>@<batchId>[:lose] with a point among {string.Join(", ", Points)}");
    }
}
