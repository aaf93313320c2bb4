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
                await Console.Error.WriteLineAsync("error: no Kafka bootstrap servers: pass --bootstrap host:port, or run a silo (its embedded broker is used).");
                return 1;
            }
            using var reader = parse.GetValue(file) is { } f ? new StreamReader(f.FullName) : new StreamReader(Console.OpenStandardInput());
            var count = await ProduceAsync(servers, parse.GetValue(topic)!, reader, parse.GetValue(key), cancellationToken);
            Console.WriteLine($"Produced {count} records to {parse.GetValue(topic)} at {servers}");
            return 0;
        });
        return command;
    }

    public static async Task<long> ProduceAsync(string servers, string topic, TextReader lines, string? keyField, CancellationToken cancellationToken)
    {
        using var producer = new ProducerBuilder<string?, string>(new ProducerConfig { BootstrapServers = servers, LingerMs = 5 }).Build();
        long count = 0;
        while (await lines.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Trim().Length == 0)
            {
                continue;
            }
            producer.Produce(topic, new Message<string?, string> { Key = KeyOf(line, keyField), Value = line }, report =>
            {
                if (report.Error.IsError)
                {
                    Console.Error.WriteLine($"error: record {report.Offset}: {report.Error.Reason}");
                }
            });
            count++;
        }
        producer.Flush(cancellationToken);
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
