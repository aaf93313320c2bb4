using System.Diagnostics;
using Sluice.Client;

namespace Sluice.IntegrationTests;

/// <summary>What the README tells users: a record produced with kcat to the embedded broker shows up in a running query.</summary>
[Collection(SiloCollection.Name)]
public sealed class KcatTests(SiloFixture silo)
{
    [Fact]
    public async Task Kcat_RecordProducedToEmbeddedBroker_ShowsUpInARunningQuery()
    {
        var topic = silo.CreateTopic();
        var name = "kcat-" + topic;
        var query = await silo.Client.ReadStream().Kafka(topic).Schema(("user_id", "string"), ("event_type", "string"), ("amount", "double")).Load()
            .Where("event_type = 'purchase'")
            .WriteStream().Format("memory").StartAsync(name);

        var kcat = Process.Start(new ProcessStartInfo("kcat", ["-P", "-b", silo.BootstrapServers, "-t", topic])
        {
            RedirectStandardInput = true,
            RedirectStandardError = true,
        })!;
        await kcat.StandardInput.WriteLineAsync("{\"user_id\":\"u1\",\"event_type\":\"purchase\",\"amount\":9.5}");
        await kcat.StandardInput.WriteLineAsync("{\"user_id\":\"u2\",\"event_type\":\"view\",\"amount\":0}");
        kcat.StandardInput.Close();
        await kcat.WaitForExitAsync();
        Assert.True(kcat.ExitCode == 0, await kcat.StandardError.ReadToEndAsync());
        await query.ProcessAllAvailableAsync();

        var row = Assert.Single(await silo.Client.ReadMemorySinkJsonAsync(name));
        Assert.Equal("u1", row["user_id"]!.GetValue<string>());
        Assert.Equal(9.5, row["amount"]!.GetValue<double>());
        await query.StopAsync();
    }
}
