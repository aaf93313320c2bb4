using Sluice.Cli;

// The `sluice` command: submit, list, stop and watch queries on a silo; produce to Kafka; run scenarios.
return await SluiceCli.InvokeAsync(args);
