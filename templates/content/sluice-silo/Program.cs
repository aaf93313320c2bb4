using Sluice.Hosting;

// An Orleans silo running the Sluice engine on one machine: localhost clustering, in-memory grain storage and
// reminders, checkpoints under Sluice:CheckpointRoot. Clients connect to the gateway port:
//   await SluiceClient.ConnectAsync("localhost:30000")     or     sluice list --silo localhost:30000
// Settings come from appsettings.json, environment variables (Sluice__CheckpointRoot) and the command line
// (--Silo:GatewayPort=30001, --Kafka:BootstrapServers=localhost:9092).
var builder = Host.CreateApplicationBuilder(args);
var siloPort = builder.Configuration.GetValue("Silo:SiloPort", 11111);
var gatewayPort = builder.Configuration.GetValue("Silo:GatewayPort", 30000);

builder.UseOrleans(silo => silo
    .UseLocalhostClustering(siloPort, gatewayPort, serviceId: "sluice", clusterId: "sluice")
    .AddMemoryGrainStorageAsDefault()
    .UseInMemoryReminderService()
    .AddSluice(options =>
    {
        builder.Configuration.GetSection("Sluice").Bind(options);
        options.KafkaBootstrapServers = builder.Configuration["Kafka:BootstrapServers"];
    })
    // Processors and foreachBatch handlers of referenced projects (dotnet add reference ../MyProcessors) and packages.
    .AddSluiceProcessorsFromReferences());

var host = builder.Build();
await host.StartAsync();
Console.WriteLine($"Sluice silo ready: gateway localhost:{gatewayPort}");
await host.WaitForShutdownAsync();
