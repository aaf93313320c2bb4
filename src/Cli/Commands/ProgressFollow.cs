using System.CommandLine;
using Sluice.Client;
using Sluice.Contracts;
using Sluice.Spec;
using Spectre.Console;

namespace Sluice.Cli.Commands;

/// <summary>
/// <c>progress NAME --follow</c>: polls a query until it ends, as a live view on a terminal or a line per batch when
/// stdout is redirected. Exits 0 when the query completes or is stopped, 1 when it fails, 130 on Ctrl+C.
/// </summary>
internal static class ProgressFollow
{
    /// <summary>Stopping with Ctrl+C exits as a shell reports SIGINT; the query itself keeps running.</summary>
    private const int Interrupted = 130;

    public static Option<bool> FollowOption() => new("--follow", "-f")
    {
        Description = "Watch the query until it ends: a live view on a terminal, a line per batch when piped",
    };

    /// <summary>A duration in <see cref="Durations"/>' forms; text rather than a TimeSpan so that help shows <c>1s</c>.</summary>
    public static Option<string> IntervalOption()
    {
        var option = new Option<string>("--interval")
        {
            Description = "How often --follow polls the query, e.g. 500ms, 2s",
            DefaultValueFactory = _ => "1s",
        };
        option.Validators.Add(result =>
        {
            var text = result.GetValueOrDefault<string>();
            if (!Durations.TryParse(text, out var interval) || interval <= TimeSpan.Zero)
            {
                result.AddError($"--interval: '{text}' is not a positive duration such as 500ms, 2s or \"1 minute\".");
            }
        });
        return option;
    }

    public static async Task<int> RunAsync(StreamingQuery query, string intervalText, CancellationToken cancellationToken)
    {
        var interval = Durations.Parse(intervalText);
        FollowSnapshot last;
        try
        {
            last = Console.IsOutputRedirected
                ? await FollowLinesAsync(query, interval, cancellationToken)
                : await FollowLiveAsync(query, interval, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Console.WriteLine($"Stopped following {query.Name}; the query keeps running.");
            return Interrupted;
        }
        var info = last.Info;
        Console.WriteLine($"{query.Name} {ProgressFigures.StatusText(info)} (last committed batch {info.LastCommittedBatchId})");
        if (info.State != QueryState.Failed)
        {
            return 0;
        }
        await Console.Error.WriteLineAsync($"error: {info.Error ?? "the query failed"}");
        return 1;
    }

    private static Task<FollowSnapshot> FollowLinesAsync(StreamingQuery query, TimeSpan interval, CancellationToken cancellationToken)
    {
        var lines = new ProgressLines(Console.Out);
        return PollUntilEndAsync(query, interval, lines.Write, cancellationToken);
    }

    private static async Task<FollowSnapshot> FollowLiveAsync(StreamingQuery query, TimeSpan interval, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        var first = await FollowSnapshot.TakeAsync(query);
        // On a short terminal, keep the header and the latest batch and crop the older rows below them.
        return await console.Live(ProgressView.Render(first)).Cropping(VerticalOverflowCropping.Bottom).StartAsync(async live =>
            await PollUntilEndAsync(query, interval, snapshot =>
            {
                live.UpdateTarget(ProgressView.Render(snapshot));
                live.Refresh();
            }, cancellationToken));
    }

    private static async Task<FollowSnapshot> PollUntilEndAsync(
        StreamingQuery query, TimeSpan interval, Action<FollowSnapshot> show, CancellationToken cancellationToken)
    {
        while (true)
        {
            var snapshot = await FollowSnapshot.TakeAsync(query);
            show(snapshot);
            if (!snapshot.Info.IsActive)
            {
                return snapshot;
            }
            await Task.Delay(interval, cancellationToken);
        }
    }
}
