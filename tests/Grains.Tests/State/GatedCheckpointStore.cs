using Sluice.Checkpointing;

namespace Sluice.Tests.State;

/// <summary>
/// A checkpoint whose snapshot writes wait at a gate the test opens (or fail, once), so a test can hold a store's
/// background snapshot in flight; every other call goes straight to the folder.
/// </summary>
internal sealed class GatedCheckpointStore(ICheckpointStore inner) : ICheckpointStore
{
    private TaskCompletionSource _gate = NewGate(open: true);

    /// <summary>Set when a snapshot write reached the gate.</summary>
    public TaskCompletionSource Reached { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Set when a write waiting at the gate was cancelled.</summary>
    public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The next snapshot write throws instead of writing.</summary>
    public bool FailNext { get; set; }

    public string Location => inner.Location;

    public void Close()
    {
        _gate = NewGate(open: false);
        Reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Open() => _gate.TrySetResult();

    public async Task<bool> TryCreateBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        if (path.EndsWith(".snapshot", StringComparison.Ordinal))
        {
            Reached.TrySetResult();
            if (FailNext)
            {
                FailNext = false;
                throw new IOException("injected: the snapshot write failed");
            }
            try
            {
                await _gate.Task.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Cancelled.TrySetResult();
                throw;
            }
        }
        return await inner.TryCreateBytesAsync(path, content, cancellationToken);
    }

    public Task<bool> TryCreateAsync(string path, string content, CancellationToken cancellationToken = default) => inner.TryCreateAsync(path, content, cancellationToken);

    public Task<byte[]?> ReadBytesAsync(string path, CancellationToken cancellationToken = default) => inner.ReadBytesAsync(path, cancellationToken);

    public Task<string?> ReadAsync(string path, CancellationToken cancellationToken = default) => inner.ReadAsync(path, cancellationToken);

    public Task<IReadOnlyList<string>> ListAsync(string directory, CancellationToken cancellationToken = default) => inner.ListAsync(directory, cancellationToken);

    public Task DeleteAsync(string path, CancellationToken cancellationToken = default) => inner.DeleteAsync(path, cancellationToken);

    private static TaskCompletionSource NewGate(bool open)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (open)
        {
            gate.TrySetResult();
        }
        return gate;
    }
}
