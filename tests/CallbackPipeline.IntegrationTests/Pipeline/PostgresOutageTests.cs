using CallbackPipeline.Api.Hosting;
using CallbackPipeline.Api.Providers;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage.Providers;
using Microsoft.Extensions.Options;
using CallbackPipeline.Storage;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>docs/architecture.md: with PostgreSQL down, receiving goes on, because providers are served from the receiver's cache.</summary>
public sealed class PostgresOutageTests
{
    [Fact]
    public async Task TheReceiverKeepsServingKnownProviders_WhenPostgresIsGone()
    {
        var database = await TestDatabase.CreateAsync();
        await using var harness = await StorageHarness.CreateAsync(database.ConnectionString, $"o{Guid.NewGuid():N}");
        await harness.MigrateAsync();
        var id = await harness.CreateProviderAsync("Asia/Kolkata");
        using var directory = new ProviderDirectory(harness.Get<ProviderStore>(), harness.Clock, Options.Create(new CallbacksOptions()));
        Assert.NotNull(await directory.FindAsync(id, CancellationToken.None));

        // The outage: the database is gone, and the cached copy is older than its time to live.
        await database.DisposeAsync();
        harness.Clock.Advance(TimeSpan.FromMinutes(10));

        var served = await directory.FindAsync(id, CancellationToken.None);
        Assert.Equal(id, served!.Record.Id);
        Assert.Equal("Asia/Kolkata", served.Zone.Id);
        // A provider never seen before cannot be verified: the caller answers 503 and the provider retries.
        await Assert.ThrowsAsync<StorageUnavailableException>(() => directory.FindAsync("prv_never_seen", CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task AFloodOfUnknownIds_DoesNotPushOutTheProvidersAnOutageIsServedFrom()
    {
        var database = await TestDatabase.CreateAsync();
        await using var harness = await StorageHarness.CreateAsync(database.ConnectionString, $"o{Guid.NewGuid():N}");
        await harness.MigrateAsync();
        var id = await harness.CreateProviderAsync();
        using var directory = new ProviderDirectory(harness.Get<ProviderStore>(), harness.Clock, Options.Create(new CallbacksOptions { ProviderCacheSize = 20 }));
        Assert.NotNull(await directory.FindAsync(id, CancellationToken.None));

        // Ten times the cache's size in ids no provider has, each cached as unknown until the cache is full.
        for (var i = 0; i < 200; i++) Assert.Null(await directory.FindAsync($"prv_junk_{i}", CancellationToken.None));

        await database.DisposeAsync();
        harness.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(id, (await directory.FindAsync(id, CancellationToken.None))!.Record.Id);
    }
}
