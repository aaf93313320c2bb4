using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Sluice.Connectors;
using Sluice.Contracts;
using Sluice.Data;
using Sluice.Hosting;
using Sluice.Planning;
using Sluice.Sources;
using Sluice.Spec;

namespace Sluice.Tests.Connectors;

/// <summary>A spec's source and sink parts are checked by their kind's connector, found in the silo's registry.</summary>
public sealed class ConnectorSpecTests
{
    [Theory]
    [InlineData("""{"name": "q", "source": {"kind": "memory"}, "sink": {"kind": "memory"}}""", "$.source.schema", "needs a schema")]
    [InlineData("""{"name": "q", "source": {"kind": "kafka", "schema": {"a": "int"}}, "sink": {"kind": "memory"}}""", "$.source.topic", "needs a topic")]
    [InlineData("""{"name": "q", "source": {"kind": "memory", "schema": {"a": "int"}}, "sink": {"kind": "hdfs"}}""", "$.sink.kind", "unknown sink kind 'hdfs'")]
    [InlineData("""{"name": "q", "source": {"kind": "hdfs", "schema": {"a": "int"}}, "sink": {"kind": "memory"}}""", "$.source.kind", "unknown source kind 'hdfs'")]
    [InlineData("""{"name": "q", "source": {"kind": "memory", "schema": {"a": "int"}}, "sink": {"kind": "parquet"}}""", "$.sink.path", "needs a path")]
    [InlineData("""{"name": "q", "source": {"kind": "memory", "schema": {"a": "int"}}, "sink": {"kind": "kafka"}}""", "$.sink.topic", "needs a topic")]
    [InlineData("""{"name": "q", "source": {"kind": "memory", "schema": {"a": "int"}, "maxFilesPerTrigger": 3}, "sink": {"kind": "memory"}}""", "$.source.maxFilesPerTrigger", "unknown option 'maxFilesPerTrigger'")]
    [InlineData("""{"name": "q", "source": {"kind": "memory", "schema": {"a": "int"}}, "sink": {"kind": "memory", "compression": "zstd"}}""", "$.sink.compression", "unknown option 'compression'")]
    [InlineData("""{"name": "q", "source": {"kind": "kafka", "topic": "t", "format": "avro"}, "sink": {"kind": "memory"}}""", "$.source.format", "json or raw")]
    [InlineData("""{"name": "q", "source": {"kind": "rate", "schema": {"id": "long"}}, "sink": {"kind": "memory"}}""", "$.source.schema", "RateStreamProvider source does not support user-specified schema")]
    [InlineData("""{"name": "q", "source": {"kind": "kafka", "topic": "a,b", "format": "raw"}, "sink": {"kind": "memory"}}""", "$.source.topic", "one topic, not the list 'a,b': make one source per topic and union them")]
    [InlineData("""{"name": "q", "source": {"kind": "kafka", "topic": "t", "format": "raw", "options": {"failOnDataLoss": "false"}}, "sink": {"kind": "memory"}}""", "$.source.options.failOnDataLoss", "never skips records silently")]
    [InlineData("""{"name": "q", "source": {"kind": "kafka", "topic": "t", "format": "raw", "options": {"includeHeaders": "false"}}, "sink": {"kind": "memory"}}""", "$.source.options.includeHeaders", "always reads record headers in format raw")]
    [InlineData("""{"name": "q", "source": {"kind": "kafka", "topic": "t", "format": "json", "schema": {"a": "int"}, "options": {"includeHeaders": "true"}}, "sink": {"kind": "memory"}}""", "$.source.options.includeHeaders", "a column of format raw")]
    [InlineData("""{"name": "q", "source": {"kind": "kafka", "topic": "t", "format": "raw", "options": {"subscribePattern": "t.*"}}, "sink": {"kind": "memory"}}""", "$.source.options.subscribePattern", "not a pattern")]
    [InlineData("""{"name": "q", "source": {"kind": "kafka", "topic": "t", "format": "raw", "options": {"minOffsetsPerTrigger": "100"}}, "sink": {"kind": "memory"}}""", "$.source.options.minOffsetsPerTrigger", "processingTime trigger interval")]
    [InlineData("""{"name": "q", "source": {"kind": "kafka", "topic": "t", "format": "raw", "options": {"maxoffsetspertrigger": "100"}}, "sink": {"kind": "memory"}}""", "$.source.options.maxoffsetspertrigger", "the source's own field \"maxOffsetsPerTrigger\"")]
    [InlineData("""{"name": "q", "source": {"kind": "kafka", "topic": "t", "format": "raw", "options": {"endingOffsets": "latest"}}, "sink": {"kind": "memory"}}""", "$.source.options.endingOffsets", "not valid in streaming queries")]
    [InlineData("""{"name": "q", "source": {"kind": "kafka", "topic": "t", "format": "raw", "options": {"startingTimestamp": "1000"}}, "sink": {"kind": "memory"}}""", "$.source.options.startingTimestamp", "does not look offsets up by timestamp")]
    [InlineData("""{"name": "q", "source": {"kind": "memory", "schema": {"a": "int"}}, "sink": {"kind": "kafka", "topic": "t", "format": "avro"}}""", "$.sink.format", "one of json, raw")]
    [InlineData("""{"name": "q", "source": {"kind": "memory", "schema": {"a": "int"}}, "sink": {"kind": "kafka", "topic": "t", "format": "raw"}}""", "$.sink", "Required attribute 'value' not found")]
    [InlineData("""{"name": "q", "source": {"kind": "memory", "schema": {"value": "long"}}, "sink": {"kind": "kafka", "topic": "t", "format": "raw"}}""", "$.sink", "value attribute unsupported type bigint. value must be a(n) string or binary")]
    [InlineData("""{"name": "q", "source": {"kind": "memory", "schema": {"value": "string"}}, "sink": {"kind": "kafka", "topic": "t", "format": "raw", "key": "value"}}""", "$.sink", "not a key expression")]
    [InlineData("""{"name": "q", "source": {"kind": "memory", "schema": {"value": "string"}}, "sink": {"kind": "kafka", "format": "raw"}}""", "$.sink", "topic option required when no 'topic' attribute is present")]
    public void Start_BadConnectorPart_NamesThePathAndWhatWasExpected(string json, string path, string expected)
    {
        var spec = SpecReader.Read(json);

        var e = Assert.Throws<QueryStartException>(() => QueryPlanner.Plan(spec, BuiltInConnectors.CreateRegistry()));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KindFields_SurviveWritingAndReadingBack()
    {
        var spec = SpecReader.Read("""{"name": "q", "source": {"kind": "echo", "greeting": "hi", "times": 3}, "sink": {"kind": "memory"}}""");

        var again = SpecReader.Read(SpecWriter.Write(spec));

        Assert.Equal("\"hi\"", again.Source.Settings["greeting"]);
        Assert.Equal("3", again.Source.Settings["times"]);
    }

    [Fact]
    public void HostRegisteredConnector_PlansWithItsOwnFieldsAndSchema()
    {
        var services = new ServiceCollection();
        services.AddSingleton(Options.Create(new SluiceOptions()));
        BuiltInConnectors.Register(services);
        services.AddSourceConnector<EchoConnector>();
        var registry = services.BuildServiceProvider().GetRequiredService<ConnectorRegistry>();
        var spec = SpecReader.Read("""{"name": "q", "source": {"kind": "echo", "greeting": "hi"}, "operators": [{"op": "select", "columns": ["upper(greeting) AS g"]}], "sink": {"kind": "memory"}}""");

        var plan = QueryPlanner.Plan(spec, registry);

        Assert.Equal("g", plan.OutputSchema[0].Name);
        var bad = spec with { Source = spec.Source with { Settings = new Dictionary<string, string> { ["greting"] = "\"hi\"" } } };
        var e = Assert.Throws<QueryStartException>(() => QueryPlanner.Plan(bad, registry));
        Assert.Contains("did you mean 'greeting'", e.Message, StringComparison.Ordinal);
    }

    private sealed class EchoConnector : ISourceConnector
    {
        public string Kind => "echo";

        public IReadOnlyList<string> Settings => ["greeting"];

        public void Validate(SourceSpec spec, string path) => SourceSchema.RequireKnownSettings(spec, path, this);

        public StreamSchema Schema(SourceSpec spec) => new([new Column("greeting", DataType.String)]);

        public IStreamSource CreateSource(SourceContext context) => throw new NotSupportedException();

        public IPartitionReader CreateReader(ReaderContext context) => throw new NotSupportedException();
    }
}
