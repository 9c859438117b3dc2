using System.Diagnostics.Metrics;
using CallbackPipeline.Core.Telemetry;
using CallbackPipeline.Storage.Health;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallbackPipeline.Storage.Redis;

/// <summary>
/// Reads <c>INFO memory</c> of every connected primary before the host serves anything, then every
/// <see cref="RedisOptions.EvictionCheck"/> (a policy can change at run time with <c>CONFIG SET</c>), reports it to
/// <see cref="RedisEviction"/> and the gauge <c>callbackpipeline.redis.may_evict</c>, and logs each change.
/// <c>INFO</c> is read rather than <c>CONFIG GET</c>, which managed Redis services often disable. Runs in every role.
/// </summary>
public sealed class RedisEvictionMonitor : BackgroundService
{
    private readonly IConnectionMultiplexer redis;
    private readonly RedisEviction eviction;
    private readonly IOptions<RedisOptions> options;
    private readonly TimeProvider clock;
    private readonly ILogger<RedisEvictionMonitor> logger;
    private bool unverifiable;

    public RedisEvictionMonitor(IConnectionMultiplexer redis, RedisEviction eviction, IOptions<RedisOptions> options, TimeProvider clock, ILogger<RedisEvictionMonitor> logger, IMeterFactory meters)
    {
        (this.redis, this.eviction, this.options, this.clock, this.logger) = (redis, eviction, options, clock, logger);
        meters.Create(PipelineMetrics.MeterName).CreateObservableGauge(
            "callbackpipeline.redis.may_evict", () => eviction.EvictingPolicy is null ? 0 : 1, "1",
            "1 while a Redis primary may evict keys (maxmemory set, maxmemory-policy not noeviction): receiving on Redis Streams and counting are paused");
    }

    /// <summary>Reads the policy once before the host starts serving (hosted services start before the server).</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await ReadOnceAsync();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = options.Value.EvictionCheck;
            // Until there is a reading, nothing is queued or counted: retry soon.
            if (!eviction.Known && delay > TimeSpan.FromSeconds(1)) delay = TimeSpan.FromSeconds(1);
            try
            {
                await Task.Delay(delay, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await ReadOnceAsync();
        }
    }

    /// <summary>One reading. Never throws: whatever fails, the last reading stands and the host goes on. Called by the loop and by tests.</summary>
    public async Task ReadOnceAsync()
    {
        try
        {
            var (evicting, refusal) = await ReadPrimariesAsync();
            if (evicting is { } e)
            {
                if (e.Policy != eviction.EvictingPolicy) logger.RedisMayEvict(e.Server, e.MaxMemory, e.Policy);
                eviction.Report(e.Policy);
            }
            else if (refusal is not null)
            {
                // INFO refused (an ACL without it, a command renamed or disabled): that primary's policy cannot be
                // known. A deployment that cannot change that must still count, so this is said once and the last
                // reading kept.
                if (!unverifiable) logger.EvictionUnverifiable(refusal);
                unverifiable = true;
                eviction.Report(eviction.EvictingPolicy);
            }
            else
            {
                if (eviction.EvictingPolicy is not null) logger.RedisEvictionOff();
                unverifiable = false;
                eviction.Report(null);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.EvictionReadFailed(e);
        }
    }

    /// <summary>The first connected primary that may evict keys, or null; and why INFO was refused, if it was.</summary>
    private async Task<(Evicting? Evicting, string? Refusal)> ReadPrimariesAsync()
    {
        var primaries = RedisConnection.Primaries(redis);
        if (primaries.Length == 0) throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No Redis primary is connected.");
        string? refusal = null;
        foreach (var server in primaries)
        {
            Dictionary<string, string> info;
            try
            {
                // Sent raw: the client's typed InfoAsync is refused unless admin commands are allowed, which this
                // host leaves off.
                var text = (string?)await server.ExecuteAsync("INFO", "memory").WaitAsync(StorageHealth.ProbeTimeout) ?? "";
                info = text.Split('\n')
                    .Select(line => line.TrimEnd('\r').Split(':', 2))
                    .Where(pair => pair.Length == 2)
                    .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
            }
            catch (Exception e) when (e is RedisServerException or RedisCommandException)
            {
                refusal ??= e.Message;
                continue;
            }
            var maxMemory = info.GetValueOrDefault("maxmemory", "0");
            var policy = info.GetValueOrDefault("maxmemory_policy", "noeviction");
            if (maxMemory != "0" && policy != "noeviction") return (new Evicting(server.EndPoint.ToString() ?? "?", maxMemory, policy), refusal);
        }
        return (null, refusal);
    }

    private sealed record Evicting(string Server, string MaxMemory, string Policy);
}
