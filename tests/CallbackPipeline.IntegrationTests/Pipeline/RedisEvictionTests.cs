using System.Net;
using System.Text.Json.Nodes;
using CallbackPipeline.Core.Events;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>
/// A Redis that may evict keys would delete dedup records (a retry then counts twice) or queued callbacks: while it may,
/// nothing is answered 2xx and nothing is counted; once it is noeviction again, what waited is counted exactly once.
/// A full Redis that does not evict refuses writes instead, and a refused batch leaves nothing behind.
/// </summary>
public sealed class RedisEvictionTests(PrivateRedisApp app) : IClassFixture<PrivateRedisApp>
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;
    private static readonly string Day = Now.ToString("yyyy-MM-dd");

    [Fact]
    public async Task WhileRedisMayEvict_NothingIsQueuedOrCounted_AndWhatWaitedCountsOnceAfter()
    {
        await SetMemoryAsync("0", "noeviction");
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await account.PostCallbackAsync(provider, Delivered("before"))).StatusCode);
        Assert.Equal(1, (await account.StatsUntilAsync(id, Day, Day, s => s.Total("delivered") == 1)).Total("delivered"));

        await SetMemoryAsync("1gb", "volatile-lru");
        using var client = app.CreateClient();
        var unready = await Polling.UntilAsync(() => client.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, unready.StatusCode);
        var checks = JsonNode.Parse(await unready.Content.ReadAsStringAsync())!["checks"]!;
        Assert.StartsWith("unsafe: Redis may evict keys (maxmemory-policy volatile-lru)", checks["redis"]!.GetValue<string>());
        Assert.StartsWith("unsafe: Redis may evict keys", checks["queue"]!.GetValue<string>());
        Assert.StartsWith("paused: Redis may evict keys", checks["worker"]!.GetValue<string>());

        var refused = await account.PostCallbackAsync(provider, Delivered("during"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains("maxmemory-policy volatile-lru", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await account.PostEventsAsync(new { providerId = id, messageId = "during", type = "sent" })).StatusCode);

        // An entry queued before the policy changed (written here straight to the stream) waits: the worker does not read it.
        var keys = app.Services.GetRequiredService<RedisKeys>();
        var waiting = new CallbackEvent(id, EventKind.Delivered, "queued", null, Now.ToUnixTimeSeconds(), DateOnly.FromDateTime(Now.UtcDateTime));
        await app.Redis.Database.StreamAddAsync(keys.Stream, StreamFields.Payload, QueuePayload.Write([waiting]));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.Equal(1, await app.Redis.Database.StreamLengthAsync(keys.Stream));
        Assert.Empty(await PipelineSteps.PendingDeliveriesAsync(app.Redis.Database, keys));
        Assert.Equal(1, (await account.StatsAsync(id, Day, Day)).Total("delivered"));

        await SetMemoryAsync("1gb", "noeviction");
        Assert.Equal(HttpStatusCode.OK, (await Polling.UntilAsync(() => client.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.OK)).StatusCode);
        Assert.Equal(2, (await account.StatsUntilAsync(id, Day, Day, s => s.Total("delivered") == 2)).Total("delivered"));
        Assert.Equal(HttpStatusCode.OK, (await account.PostCallbackAsync(provider, Delivered("during"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await account.PostCallbackAsync(provider, Delivered("queued"))).StatusCode);
        await account.StatsUntilAsync(id, Day, Day, s => s.Total("delivered") == 3);
        await Polling.UntilAsync(() => app.Redis.Database.StreamLengthAsync(keys.Stream), n => n == 0);
        Assert.Equal(3, (await account.StatsAsync(id, Day, Day)).Total("delivered"));

        var lines = app.Logs.GetSnapshot().Where(r => r.Id.Id is 3001 or 3002).Select(r => r.Id.Id).ToList();
        Assert.Equal([3001, 3002], lines);
    }

    [Fact]
    public async Task APolicyThatEvicts_IsSafeWithoutAMemoryLimit()
    {
        await SetMemoryAsync("0", "allkeys-lru");
        var eviction = app.Services.GetRequiredService<RedisEviction>();
        var readings = eviction.Readings;
        await Polling.UntilAsync(() => Task.FromResult(eviction.Readings), n => n >= readings + 3);

        Assert.True(eviction.Readings >= readings + 3, "the policy was not read again");
        Assert.Null(eviction.EvictingPolicy);

        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        Assert.Equal(HttpStatusCode.OK, (await account.PostCallbackAsync(provider, Delivered("m"))).StatusCode);
        Assert.Equal(1, (await account.StatsUntilAsync(provider["id"]!.GetValue<string>(), Day, Day, s => s.Total("delivered") == 1)).Total("delivered"));
        await SetMemoryAsync("0", "noeviction");
    }

    [Fact]
    public async Task AFullRedisThatDoesNotEvict_RefusesCallbacksAndCountsNothingOfABatch_UntilItHasRoom()
    {
        await SetMemoryAsync("0", "noeviction");
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var counters = app.Services.GetRequiredService<CounterStore>();
        var day = DateOnly.FromDateTime(Now.UtcDateTime);
        var batch = new[]
        {
            new CallbackEvent(id, EventKind.Sent, "full-2", null, Now.ToUnixTimeSeconds(), day),
            new CallbackEvent(id, EventKind.Delivered, "full-2", null, Now.ToUnixTimeSeconds(), day),
            new CallbackEvent(id, EventKind.Sent, "full-3", null, Now.ToUnixTimeSeconds(), day),
        };

        // A limit below what Redis already holds: every write that could grow it is refused.
        await SetMemoryAsync("1", "noeviction");
        var refused = await account.PostCallbackAsync(provider, Delivered("full-1"));
        var counting = await Assert.ThrowsAnyAsync<Exception>(() => counters.ApplyAsync(batch, CancellationToken.None));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains("OOM", counting.ToString());
        await SetMemoryAsync("0", "noeviction");
        // Nothing of the refused batch was written: every event of it is new.
        Assert.Equal(new CountResult(3, 0, 0, 0), await counters.ApplyAsync(batch, CancellationToken.None));
        Assert.Equal(HttpStatusCode.OK, (await account.PostCallbackAsync(provider, Delivered("full-1"))).StatusCode);
        var stats = await account.StatsUntilAsync(id, Day, Day, s => s.Total("delivered") == 2);
        Assert.Equal((2, 2), (stats.Total("sent"), stats.Total("delivered")));
    }

    [Fact]
    public async Task BeforeThePolicyIsRead_TheRedisStreamsQueueRefusesAndStoresNothing()
    {
        await SetMemoryAsync("0", "noeviction");
        var keys = app.Services.GetRequiredService<RedisKeys>();
        var unread = new RedisEviction();
        await using var queue = new RedisStreamQueue(
            app.Services.GetRequiredService<IConnectionMultiplexer>(), keys,
            app.Services.GetRequiredService<IOptions<QueueOptions>>(), new QueueDepth(), unread, app.Services.GetRequiredService<ReplicatedWrites>());
        var before = await app.Redis.Database.StreamLengthAsync(keys.Stream);
        var waiting = new CallbackEvent("prv_unread", EventKind.Delivered, "m", null, Now.ToUnixTimeSeconds(), DateOnly.FromDateTime(Now.UtcDateTime));

        var refused = await Assert.ThrowsAsync<QueueUnavailableException>(() => queue.EnqueueAsync([waiting], null, CancellationToken.None));

        Assert.Equal("Whether Redis may evict keys has not been read yet.", refused.Message);
        Assert.Equal(before, await app.Redis.Database.StreamLengthAsync(keys.Stream));
        unread.Report(null);
        Assert.Null(unread.Reason);
    }

    private async Task SetMemoryAsync(string maxMemory, string policy)
    {
        await app.Redis.ConfigSetAsync("maxmemory", maxMemory);
        await app.Redis.ConfigSetAsync("maxmemory-policy", policy);
    }

    private static string Delivered(string message) => $$"""[{"event":"delivered","data":[{"ts":{{Now.ToUnixTimeSeconds()}},"meta":"{{message}}"}]}]""";
}
