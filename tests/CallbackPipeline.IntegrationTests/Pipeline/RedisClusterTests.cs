using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CallbackPipeline.Core.Stats;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage.Redis;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>The whole pipeline on a 3-node Redis Cluster: every script touches one provider's keys, which share a slot.</summary>
public sealed class RedisClusterApp : PipelineApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:redis"] = TestServers.RedisCluster,
    };
}

public sealed class RedisClusterTests(RedisClusterApp app) : IClassFixture<RedisClusterApp>
{
    private static readonly string Today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [Fact]
    public async Task ProvidersSpreadOverEveryNode_CountExactly_FlushRecountAndDelete()
    {
        var redis = app.Services.GetRequiredService<IConnectionMultiplexer>();
        var primaries = await Polling.UntilAsync(
            () => Task.FromResult(redis.GetServers().Where(s => s.IsConnected && !s.IsReplica && s.ClusterConfiguration is not null).ToList()),
            servers => servers.Count == 3);
        Assert.Equal(3, primaries.Count);
        var account = await app.CreateAccountAsync();
        var keys = app.Services.GetRequiredService<RedisKeys>();
        var cluster = primaries[0].ClusterConfiguration!;
        EndPoint? NodeOf(JsonObject provider) =>
            cluster.GetBySlot(redis.HashSlot(keys.Provider(provider["id"]!.GetValue<string>()).Dirty))?.EndPoint;

        // Providers until their keys fall on every node (ids are random: a handful does it).
        var providers = new List<JsonObject>();
        while (providers.Count < 6 || providers.Select(NodeOf).Distinct().Count() < 3)
        {
            Assert.True(providers.Count < 100, "100 providers and their keys still miss a node");
            providers.Add(await account.CreateProviderAsync(name: $"p{providers.Count}"));
        }
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 30;

        await Task.WhenAll(providers.Select(async provider =>
        {
            var id = provider["id"]!.GetValue<string>();
            var data = string.Join(",", Enumerable.Range(0, 10).Select(i => $$"""{"ts":{{ts}},"meta":"{{id}}-{{i}}"}"""));
            Assert.Equal(HttpStatusCode.OK, (await account.PostCallbackAsync(provider, $$"""[{"event":"delivered","data":[{{data}}]}]""")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await account.PostCallbackAsync(provider, $$"""[{"event":"delivered","data":[{{data}}]}]""")).StatusCode);
            await account.PostEventsAsync(Enumerable.Range(0, 20).Select(i => (object)new { providerId = id, messageId = $"{id}-{i}", type = "sent" }).ToArray());
        }));

        foreach (var provider in providers)
        {
            var id = provider["id"]!.GetValue<string>();
            var stats = await account.StatsUntilAsync(id, Today, Today, s => s.Total("sent") >= 20 && s.Total("delivered") >= 10);
            Assert.Equal((20, 10), (stats.Total("sent"), stats.Total("delivered")));
            var rows = await Polling.UntilAsync(() => PipelineSteps.RowsAsync(app.Services.GetConnectionString(), id), r => r.Sum().Sent >= 20 && r.Sum().Delivered >= 10);
            Assert.Equal(new DailyCounts(20, 10, 0, 0, 0, 0), rows.Sum());
        }

        // Once everything is counted, what was written sits on every node (the dedup records stay for the window).
        foreach (var primary in primaries) Assert.True(await primary.DatabaseSizeAsync() > 0, $"nothing on {primary.EndPoint}");

        using var op = app.Operator();
        var first = providers[0]["id"]!.GetValue<string>();
        var recount = JsonNode.Parse(await op.GetStringAsync($"/v1/admin/providers/{first}/recount"))!;
        Assert.Contains("\"sent\":20", recount.ToJsonString());

        using var admin = account.Admin();
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/v1/providers/{first}")).StatusCode);
        var db = redis.GetDatabase();
        Assert.True(await db.KeyExistsAsync(keys.Provider(first).Gone));
        Assert.False(await db.KeyExistsAsync(keys.Provider(first).Dirty));
        Assert.False(await db.KeyExistsAsync(keys.Provider(first).Day(DateOnly.FromDateTime(DateTime.UtcNow))));
    }
}
