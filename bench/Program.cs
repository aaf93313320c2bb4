using Sluice.Bench;

// Sluice's benchmarks. `timers [--keys N]`: the flatMapGroupsWithState timer stress run (one processing-time timeout
// per key, all firing in one batch); writes bench/results/timers-<date>.json.
return args.FirstOrDefault() switch
{
    "timers" => await TimerStress.RunAsync(args.Skip(1).ToArray()),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench -- timers [--keys 1000000] [--key-groups 8]");
    return 2;
}
