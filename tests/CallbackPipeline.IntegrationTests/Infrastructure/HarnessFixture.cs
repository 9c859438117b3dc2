namespace CallbackPipeline.IntegrationTests.Infrastructure;

/// <summary>One database and one key prefix for a test class that drives the storage steps by hand.</summary>
public sealed class HarnessFixture : IAsyncLifetime
{
    public TestDatabase Database { get; private set; } = null!;

    public string KeyPrefix { get; } = $"h{Guid.NewGuid():N}";

    public StorageHarness Harness { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync();
        Harness = await StorageHarness.CreateAsync(Database.ConnectionString, KeyPrefix);
        await Harness.MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await Harness.DisposeAsync();
        await Database.DisposeAsync();
    }
}
