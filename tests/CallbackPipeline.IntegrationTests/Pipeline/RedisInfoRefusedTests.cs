using System.Net;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage.Redis;
using Microsoft.Extensions.DependencyInjection;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>A Redis that refuses INFO cannot say whether it may evict keys: the pipeline says so once and still counts.</summary>
public sealed class RedisInfoRefusedTests(InfoRefusedRedisApp app) : IClassFixture<InfoRefusedRedisApp>
{
    [Fact]
    public async Task ARedisThatRefusesInfo_IsWarnedAboutOnce_AndCallbacksAreCounted()
    {
        var day = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd");
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var callback = $$"""[{"event":"delivered","data":[{"ts":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}},"meta":"m"}]}]""";

        Assert.Equal(HttpStatusCode.OK, (await account.PostCallbackAsync(provider, callback)).StatusCode);
        var stats = await account.StatsUntilAsync(provider["id"]!.GetValue<string>(), day, day, s => s.Total("delivered") == 1);

        Assert.Equal(1, stats.Total("delivered"));
        var eviction = app.Services.GetRequiredService<RedisEviction>();
        var readings = eviction.Readings;
        await Polling.UntilAsync(() => Task.FromResult(eviction.Readings), n => n >= readings + 3);
        Assert.True(eviction.Readings >= readings + 3, "the policy was not tried again");
        Assert.Null(eviction.EvictingPolicy);
        // Tried every 200 ms, said once.
        var warnings = app.Logs.GetSnapshot().Where(r => r.Id.Id == 3004).ToList();
        Assert.Single(warnings);
        Assert.Contains("NOPERM", warnings[0].Message);
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
    }
}
