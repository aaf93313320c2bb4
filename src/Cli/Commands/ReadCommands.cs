using System.CommandLine;
using Sluice.Contracts;
using Sluice.Spec;

namespace Sluice.Cli.Commands;

/// <summary><c>read NAME</c> prints a memory sink's rows; <c>tail NAME</c> follows the rows each batch adds.</summary>
internal static class ReadCommands
{
    private const int Interrupted = 130;

    public static Command Read()
    {
        var name = new Argument<string>("NAME") { Description = "The query (or late-rows sink) whose memory sink to read" };
        var limit = LimitOption(20);
        var json = JsonOption();
        var silo = new ConnectionOptions();
        var command = new Command("read", "Print a memory sink's latest rows as Spark's show does (or --json lines)") { name, limit, json };
        silo.AddTo(command);
        command.SetAction(async (parse, _) => await QueryCommands.WithClientAsync(silo.Read(parse), async client =>
        {
            var contents = await SinkRows.ReadAsync(client, parse.GetValue(name)!);
            var rows = SinkRows.Last(contents, parse.GetValue(limit));
            if (parse.GetValue(json))
            {
                foreach (var line in SinkRows.JsonLines(contents.Schema, rows))
                {
                    Console.WriteLine(line);
                }
                return;
            }
            Console.Write(SinkRows.Table(contents.Schema, rows));
            Console.WriteLine(rows.Count < contents.Rows.Count
                ? $"showing the last {rows.Count} of {contents.Rows.Count} rows (batch {contents.LastBatchId}; --limit shows more)"
                : $"{contents.Rows.Count} rows (batch {contents.LastBatchId})");
        }));
        return command;
    }

    public static Command Tail()
    {
        var name = new Argument<string>("NAME") { Description = "The query whose memory sink to follow" };
        var limit = LimitOption(10);
        var json = JsonOption();
        var interval = ProgressFollow.IntervalOption();
        var silo = new ConnectionOptions();
        var command = new Command("tail", "Print a memory sink's last rows, then the rows of each new batch until the query ends (Ctrl+C stops)")
        {
            name, limit, json, interval,
        };
        silo.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var interrupted = false;
            var code = await QueryCommands.WithClientAsync(silo.Read(parse), async client =>
            {
                try
                {
                    await FollowAsync(client, parse.GetValue(name)!, parse.GetValue(limit), parse.GetValue(json), Durations.Parse(parse.GetValue(interval)!), cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    interrupted = true;
                }
            });
            return interrupted ? Interrupted : code;
        });
        return command;
    }

    /// <summary>
    /// Polls the sink: rows past the ones already printed are printed under their batch, as Spark's console sink does;
    /// a sink whose table was replaced (complete mode) or reset is printed whole. Ends once the query is no longer active.
    /// </summary>
    private static async Task FollowAsync(Client.SluiceClient client, string name, int limit, bool json, TimeSpan interval, CancellationToken cancellationToken)
    {
        var contents = await SinkRows.ReadAsync(client, name);
        Print(contents, SinkRows.Last(contents, limit), json);
        var (batch, count) = (contents.LastBatchId, contents.Rows.Count);
        while (true)
        {
            var active = (await client.Cluster.GetGrain<IQueryManagerGrain>(0).FindAsync(name))?.State == QueryState.Active;
            contents = await client.ReadMemorySinkAsync(name);
            if (contents.LastBatchId != batch)
            {
                var added = contents.Rows.Count > count ? contents.Rows.Skip(count).ToList() : contents.Rows;
                Print(contents, added, json);
                (batch, count) = (contents.LastBatchId, contents.Rows.Count);
            }
            if (!active)
            {
                return;
            }
            await Task.Delay(interval, cancellationToken);
        }
    }

    private static void Print(MemorySinkContents contents, IReadOnlyList<object?[]> rows, bool json)
    {
        if (json)
        {
            foreach (var line in SinkRows.JsonLines(contents.Schema, rows))
            {
                Console.WriteLine(line);
            }
            return;
        }
        if (contents.LastBatchId < 0)
        {
            return;
        }
        Console.WriteLine("-------------------------------------------");
        Console.WriteLine($"Batch: {contents.LastBatchId}");
        Console.WriteLine("-------------------------------------------");
        Console.Write(SinkRows.Table(contents.Schema, rows));
        Console.WriteLine();
    }

    private static Option<int> LimitOption(int defaultRows)
    {
        var option = new Option<int>("--limit", "-n") { Description = "How many of the latest rows to show", DefaultValueFactory = _ => defaultRows };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1)
            {
                r.AddError("--limit must be at least 1.");
            }
        });
        return option;
    }

    private static Option<bool> JsonOption() => new("--json") { Description = "One JSON object per row instead of a table" };
}
