namespace Sluice.State;

/// <summary>Creates the state store provider that <see cref="StateStoreOptions.Provider"/> names.</summary>
internal static class StateStoreProviders
{
    /// <summary>Validates <paramref name="options"/> and creates its provider; one per silo (RocksDB's memory is shared per provider).</summary>
    public static IStateStoreProvider Create(StateStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return options.Provider == StateStoreOptions.MemoryProvider
            ? new MemoryStateStoreProvider(options)
            : new RocksDbStateStoreProvider(options);
    }
}
