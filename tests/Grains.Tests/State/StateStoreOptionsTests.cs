using Sluice.State;

namespace Sluice.Tests.State;

public sealed class StateStoreOptionsTests
{
    [Fact]
    public void Defaults_AreValid_AndChooseRocksDb()
    {
        var options = new StateStoreOptions();

        options.Validate();

        Assert.Equal("rocksdb", options.Provider);
        Assert.Equal((10, 64, 16, 64), (options.SnapshotInterval, options.BlockCacheMb, options.WriteBufferMb, options.WriteBehindMb));
    }

    [Theory]
    [InlineData("memory", typeof(MemoryStateStoreProvider))]
    [InlineData("rocksdb", typeof(RocksDbStateStoreProvider))]
    public void Create_ReturnsTheNamedProvider(string provider, Type expected)
    {
        var created = StateStoreProviders.Create(new StateStoreOptions { Provider = provider });

        Assert.IsType(expected, created);
        (created as IDisposable)?.Dispose();
    }

    [Fact]
    public void Validate_UnknownProvider_NamesTheChoices()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new StateStoreOptions { Provider = "redis" }.Validate());

        Assert.Equal("Sluice:State:Provider is 'redis'; set it to 'rocksdb' (default) or 'memory'.", error.Message);
    }

    [Theory]
    [InlineData(nameof(StateStoreOptions.SnapshotInterval))]
    [InlineData(nameof(StateStoreOptions.BlockCacheMb))]
    [InlineData(nameof(StateStoreOptions.WriteBufferMb))]
    public void Validate_NonPositiveSetting_NamesTheSetting(string setting)
    {
        var options = new StateStoreOptions();
        typeof(StateStoreOptions).GetProperty(setting)!.SetValue(options, 0);

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.StartsWith($"Sluice:State:{setting} must be at least", error.Message);
    }

    [Fact]
    public void Validate_NegativeWriteBehind_NamesTheSettingAndWhatZeroDoes()
    {
        var error = Assert.Throws<InvalidOperationException>(new StateStoreOptions { WriteBehindMb = -1 }.Validate);

        Assert.StartsWith("Sluice:State:WriteBehindMb must be 0 (write every commit's changes at once) or more", error.Message);
        new StateStoreOptions { WriteBehindMb = 0 }.Validate();
    }
}
