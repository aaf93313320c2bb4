using Microsoft.Extensions.Hosting;
using Sluice.Silo.Hosting;

// A Sluice silo. With no Kafka configured it runs in embedded mode; `--demo` adds the click-event demo.
// Ctrl+C or SIGTERM stops it gracefully: running queries stop after their batch in flight.
var host = SluiceHost.CreateBuilder(args).Build();
await host.RunAsync();
