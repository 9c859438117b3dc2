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
        Assert.Null(app.Services.GetRequiredService<RedisEviction>().EvictingPolicy);
        // Re-read every 200 ms, said once.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var warnings = app.Logs.GetSnapshot().Where(r => r.Id.Id == 3004).ToList();
        Assert.Single(warnings);
        Assert.Contains("NOPERM", warnings[0].Message);
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/readyz")).StatusCode);
    }
}
