using System.CommandLine;
using Sluice.Client;
using Sluice.Contracts;
using Sluice.Progress;
using Sluice.Spec;
using Spectre.Console;

namespace Sluice.Cli.Commands;

/// <summary><c>submit</c>, <c>list</c>, <c>stop</c>, <c>progress</c>: queries on a running silo.</summary>
internal static class QueryCommands
{
    public static Command Submit()
    {
        var file = new Argument<FileInfo>("SPEC") { Description = "A query spec (JSON)" };
        var silo = new ConnectionOptions();
        var command = new Command("submit", "Start a query from a JSON spec") { file };
        silo.AddTo(command);
        command.SetAction(async (parse, _) =>
        {
            var spec = SpecReader.Read(await File.ReadAllTextAsync(parse.GetValue(file)!.FullName));
            return await WithClientAsync(silo.Read(parse), async client =>
            {
                var query = await client.StartAsync(spec);
                Console.WriteLine($"Started query '{query.Name}' [id = {query.Id}, runId = {query.RunId}]");
            });
        });
        return command;
    }

    public static Command List()
    {
        var silo = new ConnectionOptions();
        var command = new Command("list", "List the active queries");
        silo.AddTo(command);
        command.SetAction(async (parse, _) => await WithClientAsync(silo.Read(parse), async client =>
        {
            var queries = await client.Cluster.GetGrain<IQueryManagerGrain>(0).ListAsync();
            var table = new Table().AddColumns("name", "id", "runId", "status", "last batch", "sink");
            foreach (var q in queries)
            {
                table.AddRow(Markup.Escape(q.Name), q.Id.ToString(), q.RunId.ToString(), Markup.Escape(q.Message), q.LastCommittedBatchId.ToString(), q.SinkKind);
            }
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
            if (Console.IsOutputRedirected)
            {
                // Piped output (scripts, grep) gets whole lines rather than a table wrapped at 80 columns.
                console.Profile.Width = 400;
            }
            console.Write(table);
            Console.WriteLine($"{queries.Count} active");
        }));
        return command;
    }

    public static Command Stop()
    {
        var name = new Argument<string>("NAME") { Description = "The query's name" };
        var silo = new ConnectionOptions();
        var command = new Command("stop", "Stop a query") { name };
        silo.AddTo(command);
        command.SetAction(async (parse, _) => await WithClientAsync(silo.Read(parse), async client =>
        {
            await client.StopAsync(parse.GetValue(name)!);
            Console.WriteLine($"Stopped '{parse.GetValue(name)}'");
        }));
        return command;
    }

    public static Command Progress()
    {
        var name = new Argument<string>("NAME") { Description = "The query's name" };
        var silo = new ConnectionOptions();
        var follow = ProgressFollow.FollowOption();
        var interval = ProgressFollow.IntervalOption();
        var command = new Command("progress", "Print a query's last progress report (Spark's StreamingQueryProgress JSON), or --follow it live")
        {
            name, follow, interval,
        };
        silo.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var followed = 0;
            var connected = await WithClientAsync(silo.Read(parse), async client =>
            {
                var query = await client.GetQueryAsync(parse.GetValue(name)!)
                    ?? throw new KeyNotFoundException($"No query named '{parse.GetValue(name)}' (see 'sluice list').");
                if (parse.GetValue(follow))
                {
                    followed = await ProgressFollow.RunAsync(query, parse.GetValue(interval)!, cancellationToken);
                    return;
                }
                var status = await query.StatusAsync();
                Console.WriteLine($"{query} {status.State}: {status.Message}{(status.Error is null ? "" : " - " + status.Error)}");
                var last = await query.LastProgressAsync();
                Console.WriteLine(last is null ? "(no batch has run yet)" : ProgressJson.Write(last));
            });
            return connected != 0 ? connected : followed;
        });
        return command;
    }

    /// <summary>Runs an action with a connected client; <see cref="CliErrors"/> reports what it throws.</summary>
    public static async Task<int> WithClientAsync(CliConnection silo, Func<SluiceClient, Task> action)
    {
        await using var client = await silo.ConnectAsync();
        await action(client);
        return 0;
    }
}
