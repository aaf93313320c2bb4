namespace Sluice.Silo.Hosting;

/// <summary>The silo's own settings (configuration section <c>Silo</c>).</summary>
public sealed class SiloSettings
{
    /// <summary>Port silos talk to each other on.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port clients (the CLI, <c>SluiceClient</c>) connect to.</summary>
    public int GatewayPort { get; set; } = 30000;
}

/// <summary>Kafka settings (configuration section <c>Kafka</c>).</summary>
public sealed class KafkaSettings
{
    /// <summary>Bootstrap servers of a real Kafka; empty starts the embedded broker (librdkafka's mock cluster).</summary>
    public string? BootstrapServers { get; set; }

    /// <summary>Topics the embedded broker creates at start, with their partition counts.</summary>
    public List<TopicSettings> Topics { get; set; } = [];

    /// <summary>Whether to start the embedded broker when no bootstrap servers are set (scenarios turn it off).</summary>
    public bool Embedded { get; set; } = true;

    /// <summary>Brokers of the embedded cluster.</summary>
    public int EmbeddedBrokers { get; set; } = 1;
}

/// <summary>A topic of the embedded broker.</summary>
public sealed class TopicSettings
{
    public string Name { get; set; } = "";

    public int Partitions { get; set; } = 4;
}

/// <summary>The demo (configuration section <c>Demo</c>; <c>--demo</c> on the command line turns it on).</summary>
public sealed class DemoSettings
{
    public bool Enabled { get; set; }

    /// <summary>Click events a second the generator produces into topic <c>events</c>.</summary>
    public int EventsPerSecond { get; set; } = 50;
}

/// <summary>The silo's HTTP endpoint (configuration section <c>Http</c>): API, streaming UI and Orleans Dashboard.</summary>
public sealed class HttpSettings
{
    /// <summary>The interface to listen on; <c>0.0.0.0</c> for every interface.</summary>
    public string Host { get; set; } = "localhost";

    public int Port { get; set; } = 8080;

    /// <summary>The address to print for people, e.g. <c>http://localhost:8080</c>.</summary>
    public string BaseUrl => $"http://{(Host is "0.0.0.0" or "*" or "+" ? "localhost" : Host)}:{Port}";
}
