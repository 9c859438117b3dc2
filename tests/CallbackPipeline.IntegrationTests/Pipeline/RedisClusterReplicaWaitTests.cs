using System.Net;
using System.Text.Json.Nodes;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage;
using CallbackPipeline.Storage.Redis;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>The pipeline on the 3-node Redis Cluster, which has no replicas, with one replica required for every write.</summary>
public sealed class WaitingRedisClusterApp : PipelineApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:redis"] = TestServers.RedisCluster,
        ["Redis:WaitForReplicas"] = "1",
        ["Redis:ReplicaTimeout"] = "00:00:00.050",
    };
}

/// <summary>
/// In a Redis Cluster a write is waited for on the primary that holds its key, each primary once; a primary without
/// the replicas required acknowledges nothing, so a callback is answered 503.
/// </summary>
public sealed class RedisClusterReplicaWaitTests(WaitingRedisClusterApp app) : IClassFixture<WaitingRedisClusterApp>
{
    [Fact]
    public async Task WritesAreWaitedForOnThePrimaryOfEachKey_AndWithoutReplicasACallbackIs503()
    {
        var redis = app.Services.GetRequiredService<IConnectionMultiplexer>();
        var primaries = await Polling.UntilAsync(
            () => Task.FromResult(redis.GetServers().Where(s => s.IsConnected && !s.IsReplica && s.ClusterConfiguration is not null).ToList()),
            servers => servers.Count == 3);
        Assert.Equal(3, primaries.Count);
        var cluster = primaries[0].ClusterConfiguration!;
        var oneKeyANode = Enumerable.Range(0, 1000).Select(i => (RedisKey)$"wait-probe-{i}")
            .GroupBy(key => cluster.GetBySlot(redis.HashSlot(key))!.EndPoint).Select(node => node.First()).ToList();
        Assert.Equal(3, oneKeyANode.Count);
        var writes = app.Services.GetRequiredService<ReplicatedWrites>();

        var before = await WaitCallsAsync(primaries);
        var refused = await Assert.ThrowsAsync<StorageUnavailableException>(() => writes.ConfirmAsync([.. oneKeyANode, .. oneKeyANode]));
        var after = await WaitCallsAsync(primaries);

        Assert.Contains("0 of the 1 Redis replicas required", refused.Message);
        Assert.All(primaries, primary => Assert.Equal(before[primary.EndPoint] + 1, after[primary.EndPoint]));
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var callback = await account.PostCallbackAsync(provider, GenericCallback.Delivered("m"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, callback.StatusCode);
        Assert.Contains("Redis:WaitForReplicas", JsonNode.Parse(await callback.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>());
    }

    /// <summary>Each primary's count of WAIT commands so far (<c>INFO commandstats</c>).</summary>
    private static async Task<Dictionary<EndPoint, long>> WaitCallsAsync(IEnumerable<IServer> primaries)
    {
        var calls = new Dictionary<EndPoint, long>();
        foreach (var primary in primaries)
        {
            var stats = (string)(await primary.ExecuteAsync("INFO", "commandstats"))!;
            var line = stats.Split('\n').FirstOrDefault(l => l.StartsWith("cmdstat_wait:", StringComparison.Ordinal));
            calls[primary.EndPoint] = line is null ? 0 : long.Parse(line.Split("calls=")[1].Split(',')[0]);
        }
        return calls;
    }
}
