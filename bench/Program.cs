using Sluice.Bench;
using Sluice.Bench.Nexmark;
using Sluice.Bench.Workloads;

// Sluice's benchmarks (see BENCHMARKS.md):
// `workloads [--quick] [--events N]`: W1-W4 from Kafka, on the bare Confluent.Kafka loop (the limit) and on the generator source;
// `latency [--quick]`: Kafka timestamp to batch commit at fixed input rates;
// `timers [--keys N]`: the flatMapGroupsWithState timer stress run (one processing-time timeout per key, all firing in one batch);
// `nexmark [--events N] [--only q5] [--quick]`: the Nexmark queries of bench/nexmark on the nexmark source, checked against plain C#;
// `nexmark-load --bootstrap-servers H --topic T [--events N]`: the same events into Kafka as JSON;
// `state [--keys N]`: a count per distinct key until RocksDB holds N keys, with peak memory and checkpoint bytes per batch.
// Every option a command reads: anything else (a typo, --help) prints the usage instead of running a command's defaults
// (a whole suite at 10M events).
string[] known =
[
    "--batch", "--bootstrap-servers", "--default-trigger", "--engine-only", "--events", "--events-per-second", "--heap-limit-mb", "--kafka-only",
    "--key-groups", "--keys", "--only", "--partitions", "--per-batch", "--quick", "--rate", "--repeat", "--seconds",
    "--seed", "--sink", "--topic", "--warm-seconds", "--windowed-append",
];
if (args.Skip(1).FirstOrDefault(a => a.StartsWith('-') && !known.Contains(a)) is { } unknown)
{
    Console.Error.WriteLine($"unknown option '{unknown}'");
    return Usage();
}

return args.FirstOrDefault() switch
{
    "workloads" => await WorkloadsCommand.RunAsync(args.Skip(1).ToArray()),
    "latency" => await LatencyCommand.RunAsync(args.Skip(1).ToArray()),
    "timers" => await TimerStress.RunAsync(args.Skip(1).ToArray()),
    "state" => await StateScale.RunAsync(args.Skip(1).ToArray()),
    "nexmark" => await NexmarkCommand.RunAsync(args.Skip(1).ToArray()),
    "nexmark-load" => NexmarkLoad.Run(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench -- workloads [--quick] [--events 500000]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench -- latency [--quick] [--rate 50000] [--sink kafka|memory] [--default-trigger] [--seconds 6] [--warm-seconds 0]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench -- timers [--keys 1000000] [--key-groups 8]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench -- nexmark [--events 10000000] [--only q5] [--quick] [--partitions 8]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench -- nexmark-load --bootstrap-servers HOST:PORT --topic T [--events N] [--partitions 8]");
    Console.Error.WriteLine("       dotnet run -c Release --project bench -- state [--keys 10000000] [--per-batch 1000000] [--key-groups 8] [--windowed-append 1] [--heap-limit-mb 0]");
    return 2;
}
