using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Providers;
using CallbackPipeline.Storage;
using CallbackPipeline.Storage.Accounts;
using CallbackPipeline.Storage.Postgres;
using CallbackPipeline.Storage.Providers;
using CallbackPipeline.Storage.Redis;
using CallbackPipeline.Worker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace CallbackPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// The storage and worker services without their loops running, so a test drives each step itself and can stop
/// between any two of them, as a crash would. Several harnesses may share one Redis prefix and database, as
/// several worker processes do.
/// </summary>
public sealed class StorageHarness : IAsyncDisposable
{
    private readonly IHost host;

    private StorageHarness(IHost host, FakeTimeProvider clock)
    {
        this.host = host;
        Clock = clock;
    }

    public FakeTimeProvider Clock { get; }

    public IServiceProvider Services => host.Services;

    public T Get<T>() where T : notnull => host.Services.GetRequiredService<T>();

    public static async Task<StorageHarness> CreateAsync(string postgres, string keyPrefix, IDictionary<string, string?>? settings = null, DateTimeOffset? now = null)
    {
        var builder = Host.CreateApplicationBuilder();
        var config = new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = TestServers.Redis,
            ["ConnectionStrings:postgres"] = postgres,
            ["Redis:KeyPrefix"] = keyPrefix,
            ["Queue:ClaimIdle"] = "00:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) config[key] = value;
        builder.Configuration.AddInMemoryCollection(config);
        builder.AddStorage();
        builder.AddWorker();
        var clock = new FakeTimeProvider(now ?? DateTimeOffset.UtcNow);
        builder.Services.AddSingleton<TimeProvider>(clock);
        var host = builder.Build();
        // The loops do not run, so the eviction policy the enqueues wait for is read here, once.
        await host.Services.GetRequiredService<RedisEvictionMonitor>().ReadOnceAsync();
        return new StorageHarness(host, clock);
    }

    public Task MigrateAsync() => Get<DatabaseMigrator>().MigrateAsync(CancellationToken.None);

    /// <summary>An account and a generic provider, straight through the stores.</summary>
    public async Task<string> CreateProviderAsync(string timeZone = "UTC")
    {
        var account = await Get<AccountStore>().CreateAsync("harness", timeZone, CancellationToken.None);
        var provider = await Get<ProviderStore>().CreateAsync(new ProviderRecord(
            Ids.New("prv"), account.Id, "p", ProviderKind.Generic, false, false, true, [], [], null, null, default, null), CancellationToken.None);
        return provider.Id;
    }

    public CallbackEvent Event(string providerId, EventKind kind, string messageId, string? distinct = null, DateTimeOffset? at = null)
    {
        var time = at ?? Clock.GetUtcNow();
        return new CallbackEvent(providerId, kind, messageId, distinct, time.ToUnixTimeSeconds(), EventClock.DayIn(time, TimeZoneInfo.Utc));
    }

    public async ValueTask DisposeAsync()
    {
        if (host is IAsyncDisposable disposable) await disposable.DisposeAsync();
        else host.Dispose();
    }
}
