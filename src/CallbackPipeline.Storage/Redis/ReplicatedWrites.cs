using System.Net;
using Microsoft.Extensions.Options;
using OpenTelemetry.Instrumentation.StackExchangeRedis;
using StackExchange.Redis;

namespace CallbackPipeline.Storage.Redis;

/// <summary>
/// The writes an unplanned failover must not take back, because something outside Redis relies on them next: a
/// queued group (its callbacks are answered 2xx), the counts of a batch (its messages are acknowledged, on Service Bus
/// or on another Redis Cluster node than the counts) and a cut batch (committed to PostgreSQL; were the cut lost, its
/// deltas would be cut and committed again). They are made on <see cref="Database"/>, and with
/// <see cref="RedisOptions.WaitForReplicas"/> above 0 <see cref="ConfirmAsync"/> waits until that many replicas of each
/// primary written to have them. Redis replicates in the order it executes, so a replica that has a write has
/// everything written before it too.
/// </summary>
/// <remarks>
/// <c>WAIT</c> holds the connection it is sent on until the replicas answer, and covers the writes made on that
/// connection, so with the setting on these writes go over a connection of their own: the shared one never waits
/// behind a slow replica. With it off they go over the shared one and nothing waits.
/// </remarks>
public sealed class ReplicatedWrites : IDisposable
{
    private readonly IConnectionMultiplexer shared;
    private readonly ConnectionMultiplexer? own;
    private readonly int replicas;
    private readonly long timeoutMilliseconds;

    public ReplicatedWrites(IConnectionMultiplexer shared, IOptions<RedisOptions> options, IOptions<ConnectionOptions> connection)
    {
        this.shared = shared;
        replicas = options.Value.WaitForReplicas;
        timeoutMilliseconds = (long)options.Value.ReplicaTimeout.TotalMilliseconds;
        if (replicas > 0) own = RedisConnection.Connect(connection.Value.Redis!);
    }

    /// <summary>Where such writes are made.</summary>
    public IDatabase Database => (own ?? shared).GetDatabase();

    /// <summary>Whether <see cref="ConfirmAsync"/> waits for anything, so a caller can skip naming the keys when it does not.</summary>
    public bool Waits => own is not null;

    /// <summary>Waits until the writes made so far on <see cref="Database"/> to the primaries holding <paramref name="written"/> are on their replicas.</summary>
    /// <exception cref="StorageUnavailableException">
    /// Fewer replicas than required acknowledged them in time: they are made, but on a primary alone.
    /// </exception>
    public Task ConfirmAsync(IReadOnlyCollection<RedisKey> written) => own is null ? Task.CompletedTask : WaitAsync(own, written);

    private async Task WaitAsync(ConnectionMultiplexer redis, IReadOnlyCollection<RedisKey> written)
    {
        var endpoints = await PrimariesAsync(redis, written);
        var acknowledged = (await Task.WhenAll(endpoints.Distinct().Select(async endpoint => endpoint is null ? 0
            : (long)await redis.GetServer(endpoint).ExecuteAsync("WAIT", replicas, timeoutMilliseconds)))).Min();
        if (acknowledged < replicas)
        {
            throw new StorageUnavailableException(
                "Redis", $"{acknowledged} of the {replicas} Redis replicas required (Redis:WaitForReplicas) acknowledged the write within {timeoutMilliseconds} ms");
        }
    }

    /// <summary>The primaries holding the keys: outside a cluster the one primary, which holds every key, else each key's.</summary>
    private static async Task<EndPoint?[]> PrimariesAsync(ConnectionMultiplexer redis, IReadOnlyCollection<RedisKey> written)
    {
        if (RedisConnection.Primaries(redis) is [{ ServerType: not ServerType.Cluster } primary]) return [primary.EndPoint];
        var db = redis.GetDatabase();
        return await Task.WhenAll(written.Select(key => db.IdentifyEndpointAsync(key)));
    }

    /// <summary>Traces the connection of its own too, when there is one.</summary>
    public void Instrument(StackExchangeRedisInstrumentation tracing)
    {
        if (own is not null) tracing.AddConnection(own);
    }

    public void Dispose() => own?.Dispose();
}
