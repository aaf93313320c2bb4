using Sluice.Data;
using Sluice.Sources;
using Sluice.Spec;

namespace Sluice.Connectors.Generator;

/// <summary>The <c>generator</c> source: click events made in memory, to measure the engine alone.</summary>
internal sealed class GeneratorSourceConnector : ISourceConnector
{
    public string Kind => "generator";

    public void Validate(SourceSpec spec, string path)
    {
        SourceSchema.RequireKnownSettings(spec, path, this);
        try
        {
            _ = GeneratorStreamSource.Events(spec) + GeneratorStreamSource.Partitions(spec);
        }
        catch (ArgumentException e)
        {
            throw new SpecException(path + ".options", e.Message);
        }
    }

    public StreamSchema Schema(SourceSpec spec) => GeneratorPartitionReader.Schema;

    public IStreamSource CreateSource(SourceContext context) => new GeneratorStreamSource(context.Spec, context.StreamName);

    public IPartitionReader CreateReader(ReaderContext context) =>
        new GeneratorPartitionReader(context.Partition, GeneratorStreamSource.Partitions(context.Spec));
}
