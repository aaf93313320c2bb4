using Sluice.Data;
using Sluice.Sources;
using Sluice.Spec;

namespace Sluice.Connectors.Nexmark;

/// <summary>The <c>nexmark</c> source: the Nexmark suites' auction events made in memory (see <see cref="NexmarkStreamSource"/>).</summary>
internal sealed class NexmarkSourceConnector : ISourceConnector
{
    public string Kind => "nexmark";

    public void Validate(SourceSpec spec, string path)
    {
        SourceSchema.RequireKnownSettings(spec, path, this);
        try
        {
            _ = NexmarkConfig.FromOptions(spec.Options);
            _ = NexmarkSchemas.StreamOf(spec.Options);
        }
        catch (ArgumentException e)
        {
            throw new SpecException(path + ".options", e.Message);
        }
    }

    public StreamSchema Schema(SourceSpec spec) => NexmarkSchemas.For(spec.Options);

    public IStreamSource CreateSource(SourceContext context) => new NexmarkStreamSource(context.Spec, context.StreamName);

    public IPartitionReader CreateReader(ReaderContext context) => new NexmarkPartitionReader(context.Spec, context.Partition);
}
