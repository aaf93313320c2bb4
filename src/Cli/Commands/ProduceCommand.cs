using System.CommandLine;
using Confluent.Kafka;
using Sluice.Contracts;

namespace Sluice.Cli.Commands;

/// <summary><c>produce</c>: JSON lines from stdin or a file into a Kafka topic (the silo's broker by default).</summary>
internal static class ProduceCommand
{
    public static Command Create()
    {
        var topic = new Option<string>("--topic") { Description = "Topic to produce to", Required = true };
        var bootstrap = new Option<string?>("--bootstrap") { Description = "Kafka bootstrap servers (default: ask the silo for its broker)" };
        var file = new Option<FileInfo?>("--file") { Description = "JSON lines file (default: standard input)" };
        var key = new Option<string?>("--key-field") { Description = "Use this JSON field's value as the record key" };
        var silo = new ConnectionOptions();
        var command = new Command("produce", "Produce JSON lines to a Kafka topic") { topic, bootstrap, file, key };
        silo.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var servers = parse.GetValue(bootstrap) ?? await AskSiloAsync(silo.Read(parse));
            if (servers is null)
            {
                throw new UsageException("no Kafka bootstrap servers: pass --bootstrap host:port, or run a silo (its embedded broker is used).");
            }
            using var reader = parse.GetValue(file) is { } f ? new StreamReader(f.FullName) : new StreamReader(Console.OpenStandardInput());
            var count = await ProduceAsync(servers, parse.GetValue(topic)!, reader, parse.GetValue(key), cancellationToken);
            Console.WriteLine($"Produced {count} records to {parse.GetValue(topic)} at {servers}");
            return 0;
        });
        return command;
    }

    /// <summary>Produces each non-blank line; fails, naming the first broker error, unless every record was delivered.</summary>
    public static async Task<long> ProduceAsync(string servers, string topic, TextReader lines, string? keyField, CancellationToken cancellationToken)
    {
        // A broker that cannot be reached fails the records after 30 s rather than librdkafka's default 5 minutes.
        using var producer = new ProducerBuilder<string?, string>(new ProducerConfig { BootstrapServers = servers, LingerMs = 5, MessageTimeoutMs = 30_000 }).Build();
        long count = 0;
        long failed = 0;
        string? firstError = null;
        while (await lines.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Trim().Length == 0)
            {
                continue;
            }
            producer.Produce(topic, new Message<string?, string> { Key = KeyOf(line, keyField), Value = line }, report =>
            {
                if (report.Error.IsError && Interlocked.Increment(ref failed) == 1)
                {
                    firstError = report.Error.Reason;
                }
            });
            count++;
        }
        producer.Flush(cancellationToken);
        if (Interlocked.Read(ref failed) > 0)
        {
            throw new InvalidOperationException($"{failed} of {count} records were not delivered to topic '{topic}' at {servers}: {firstError}");
        }
        return count;
    }

    private static string? KeyOf(string line, string? field)
    {
        if (field is null)
        {
            return null;
        }
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(line);
            return doc.RootElement.TryGetProperty(field, out var v) ? v.ToString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static async Task<string?> AskSiloAsync(CliConnection silo)
    {
        await using var client = await silo.ConnectAsync();
        return await client.Cluster.GetGrain<IQueryManagerGrain>(0).GetKafkaBootstrapServersAsync();
    }
}
