using System.Net;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Worker;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>
/// An unplanned failover: the primary is lost while its replica is cut off, and the replica, which lacks the last
/// moment's writes, is promoted. With Redis:WaitForReplicas 1 nothing answered 2xx was in that moment, and no batch cut
/// in it was committed, so once the provider has retried what was refused every callback is counted and flushed once.
/// </summary>
public sealed class UnplannedFailoverTests(ReplicaAcknowledgedApp app) : IClassFixture<ReplicaAcknowledgedApp>
{
    private const int Messages = 20;

    [Fact]
    public async Task APrimaryLostWithWritesItsReplicaLacks_LosesNothingAnsweredAndFlushesNothingTwice()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var day = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd");
        var flush = app.Services.GetRequiredService<FlushService>();
        var queue = app.Services.GetRequiredService<IEventQueue>();
        for (var i = 0; i < Messages; i++) await account.PostCallbackUntilAcceptedAsync(provider, GenericCallback.Delivered($"early-{i}"));
        // Counted and acknowledged on the primary, and all of it on the replica: the counts wait there to be flushed.
        await account.StatsUntilAsync(id, day, day, s => s.Total("delivered") == Messages);
        await Polling.UntilAsync(() => queue.DepthAsync(CancellationToken.None), depth => depth == 0);
        await Polling.UntilAsync(ReplicaLagAsync, lag => lag == 0);

        // A network partition: the replica stops answering and its link is closed, so nothing written from now on
        // reaches it, not even what is still on its way.
        await app.Replica.FreezeAsync();
        await app.Redis.ExecuteAsync("CLIENT", "KILL", "TYPE", "replica");
        var late = new List<HttpStatusCode>();
        try
        {
            for (var i = 0; i < Messages; i++) late.Add((await account.PostCallbackAsync(provider, GenericCallback.Delivered($"late-{i}"))).StatusCode);
            // The cut moves every delta, the early messages' too; committed, they would be flushed again after the failover.
            await Assert.ThrowsAsync<StorageUnavailableException>(() => flush.FlushAllAsync(CancellationToken.None));
        }
        finally
        {
            await app.Redis.KillAsync();
            await app.Replica.ThawAsync();
        }
        await app.Replica.ExecuteAsync("REPLICAOF", "NO", "ONE");
        // The managed service's new replica, without which nothing could be acknowledged again.
        await using var replacement = await PrivateRedis.StartAsync(replicaOf: app.Replica.Endpoint);
        await Polling.UntilAsync(() => replacement.ReplicationAsync("master_link_status"), status => status == "up");

        Assert.All(late, status => Assert.Equal(HttpStatusCode.ServiceUnavailable, status));
        Assert.Empty(await PipelineSteps.RowsAsync(app.Services.GetConnectionString(), id));
        for (var i = 0; i < Messages; i++) await account.PostCallbackUntilAcceptedAsync(provider, GenericCallback.Delivered($"late-{i}"));
        await Polling.UntilAsync(() => queue.DepthAsync(CancellationToken.None), depth => depth == 0);
        await Polling.UntilAsync(FlushedAsync, flushed => flushed);
        Assert.Equal(2 * Messages, (await PipelineSteps.RowsAsync(app.Services.GetConnectionString(), id)).Sum().Delivered);
        Assert.Equal(2 * Messages, (await account.StatsAsync(id, day, day)).Total("delivered"));

        async Task<bool> FlushedAsync()
        {
            try
            {
                await flush.FlushAllAsync(CancellationToken.None);
                return true;
            }
            catch (Exception e) when (e is StorageUnavailableException or RedisException)
            {
                // The clients are still finding the new primary.
                return false;
            }
        }
    }

    private async Task<long> ReplicaLagAsync() =>
        long.Parse((await app.Redis.ReplicationAsync("master_repl_offset"))!) - long.Parse((await app.Replica.ReplicationAsync("master_repl_offset"))!);
}
