namespace Sluice.Security;

/// <summary>What a spec may ask of Kafka (configuration section <c>Sluice:Kafka</c>); see <see cref="KafkaSettingsPolicy"/>.</summary>
public sealed class KafkaPolicyOptions
{
    /// <summary>
    /// Restricted librdkafka settings that specs may set anyway (by default none): exact names such as <c>ssl.ca.location</c>,
    /// or a family ending in <c>*</c> such as <c>sasl.oauthbearer.*</c>. An entry may hold several, separated by commas.
    /// </summary>
    public List<string> AllowedSettings { get; set; } = [];

    /// <summary>
    /// The Kafka bootstrap servers (<c>host:port</c>) a spec may name; empty means any. The silo's own Kafka is always allowed.
    /// An entry may hold several, separated by commas.
    /// </summary>
    public List<string> AllowedBootstrapServers { get; set; } = [];
}
