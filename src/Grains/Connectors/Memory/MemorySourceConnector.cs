using Sluice.Data;
using Sluice.Sources;
using Sluice.Sources.Parsing;
using Sluice.Spec;

namespace Sluice.Connectors.Memory;

/// <summary>The <c>memory</c> source: JSON rows added by tests and scenarios through the client (Spark's MemoryStream).</summary>
internal sealed class MemorySourceConnector : ISourceConnector
{
    public string Kind => "memory";

    public void Validate(SourceSpec spec, string path)
    {
        SourceSchema.RequireKnownSettings(spec, path, this);
        SourceSchema.Require(spec, path, "a memory source");
    }

    public StreamSchema Schema(SourceSpec spec) => SourceSchema.FromSpec(spec.Schema);

    public IStreamSource CreateSource(SourceContext context) => new MemoryStreamSource(context.Grains, context.StreamName);

    public IPartitionReader CreateReader(ReaderContext context) =>
        new MemoryPartitionReader(context.Grains, context.StreamName, context.Schema, ParseModes.Parse(context.Spec.Mode));
}
