using System.Diagnostics;
using Sluice.Connectors.Generator;

namespace Sluice.Bench.Workloads;

/// <summary>
/// One workload's fold, as a struct with static members so that the limits' loops, generic over it, are compiled
/// once per workload with the fold inlined (no delegate call per event).
/// </summary>
internal interface IClickFold
{
    static abstract void Add(Aggregates into, in ClickEvent e);

    /// <summary>Whether the event goes to the output topic (W4's purchases).</summary>
    static abstract bool Forward(in ClickEvent e);

    /// <summary>Work on the whole result, timed with the fold (W3 cuts its sessions).</summary>
    static abstract void Finish(Aggregates result);
}

internal readonly struct W1Fold : IClickFold
{
    public static void Add(Aggregates into, in ClickEvent e) => into.AddW1(e);

    public static bool Forward(in ClickEvent e) => false;

    public static void Finish(Aggregates result)
    {
    }
}

internal readonly struct W2Fold : IClickFold
{
    public static void Add(Aggregates into, in ClickEvent e) => into.AddW2(e);

    public static bool Forward(in ClickEvent e) => false;

    public static void Finish(Aggregates result)
    {
    }
}

internal readonly struct W3Fold : IClickFold
{
    public static void Add(Aggregates into, in ClickEvent e) => into.AddW3(e);

    public static bool Forward(in ClickEvent e) => false;

    public static void Finish(Aggregates result) => result.CutSessions();
}

internal readonly struct W4Fold : IClickFold
{
    public static void Add(Aggregates into, in ClickEvent e) => into.AddW4(e);

    public static bool Forward(in ClickEvent e) => e.IsPurchase;

    public static void Finish(Aggregates result)
    {
    }
}

/// <summary>
/// The engine-alone limit: the same events as the generator source makes (<see cref="ClickEventSequence"/>), folded
/// in memory on one thread with no engine, no rows and no broker, into the same result the checks compare.
/// </summary>
internal static class InMemoryFold
{
    /// <summary>The fastest of <paramref name="runs"/> runs (the first pays for the JIT and the dictionaries' growth).</summary>
    public static (Aggregates Result, double Seconds) Run(string workload, long events, int runs = 5)
    {
        (Aggregates Result, double Seconds) best = (new Aggregates(), double.MaxValue);
        for (var r = 0; r < runs; r++)
        {
            var run = workload switch
            {
                "W1" => Run<W1Fold>(events),
                "W2" => Run<W2Fold>(events),
                "W3" => Run<W3Fold>(events),
                _ => Run<W4Fold>(events),
            };
            if (run.Seconds < best.Seconds)
            {
                best = run;
            }
        }
        return best;
    }

    private static (Aggregates Result, double Seconds) Run<TFold>(long events) where TFold : struct, IClickFold
    {
        var result = new Aggregates();
        var watch = Stopwatch.StartNew();
        for (long i = 0; i < events; i++)
        {
            var e = ClickEventSequence.At(i);
            TFold.Add(result, e);
        }
        result.Events = events;
        TFold.Finish(result);
        return (result, watch.Elapsed.TotalSeconds);
    }
}
