namespace Sluice.Expressions.Evaluation;

/// <summary>
/// The batch timestamp that <c>current_timestamp()</c> and <c>now()</c> evaluate to, as Spark's micro-batch replaces
/// them with the batch's <c>batchTimestampMs</c> (recorded in <c>offsets/N</c>, so a batch re-run after a restart sees
/// the value of its first run). Expressions are compiled once per query, so the value is ambient: the grain that runs a
/// step of a batch (a partition agent, a key group) enters the batch's scope before it evaluates any expression, and
/// the scope flows through the step's awaits.
/// </summary>
internal static class BatchTime
{
    private static readonly AsyncLocal<DateTime?> Current = new();

    /// <summary>The current batch's timestamp; evaluating <c>current_timestamp()</c> outside a batch is a bug in the caller.</summary>
    public static DateTime Now => Current.Value ?? throw new OutsideBatchException(
        "current_timestamp() was evaluated outside a micro-batch: the code running the batch step must enter BatchTime.Enter(batchTimestampMs) first");

    /// <summary>True when <paramref name="syntax"/> calls a function that is the batch's timestamp.</summary>
    public static bool IsUsedBy(Expr syntax) =>
        ExprTree.Any(syntax, static e => e is FunctionCall { Name: "current_timestamp" or "now" } or FunctionCall { Name: "unix_timestamp", Arguments.Count: 0 });

    /// <summary>
    /// The problem a query is refused with when it uses the batch's timestamp in <paramref name="where"/>, a part
    /// evaluated outside any batch (a static table's rows at start, a sink's key at commit).
    /// </summary>
    public static string OutsideBatchProblem(string where) =>
        $"current_timestamp(), now() and unix_timestamp() are the micro-batch's timestamp, but {where} is evaluated outside any batch; " +
        "compute the value in the stream's operators instead";

    /// <summary>
    /// Sets the batch timestamp for the rest of the calling async method and what it calls (an async method's changes
    /// end when it returns); dispose to restore the previous value in a synchronous caller.
    /// </summary>
    public static Scope Enter(long batchTimestampMs)
    {
        var previous = Current.Value;
        Current.Value = Timestamps.FromMillis(batchTimestampMs);
        return new Scope(previous);
    }

    public sealed class OutsideBatchException(string message) : InvalidOperationException(message);

    public readonly struct Scope(DateTime? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
