using System.Diagnostics.Metrics;
using CallbackPipeline.Core.Telemetry;
using CallbackPipeline.Storage.Health;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CallbackPipeline.Storage.Redis;

/// <summary>
/// Reads <c>INFO memory</c> of every connected primary at start-up and then every <see cref="RedisOptions.EvictionCheck"/>
/// (a policy can change at run time with <c>CONFIG SET</c>), reports it to <see cref="RedisEviction"/> and the gauge
/// <c>callbackpipeline.redis.may_evict</c>, and logs each change. <c>INFO</c> is read rather than <c>CONFIG GET</c>,
/// which managed Redis services often disable. Runs in every role.
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var delay = options.Value.EvictionCheck;
            try
            {
                Report(await ReadAsync());
            }
            catch (RedisServerException e)
            {
                // INFO refused (an ACL without @dangerous, a managed service that renamed it): the policy cannot be
                // known, and a deployment that cannot change that must still count, so this is said and let be.
                if (!unverifiable) logger.EvictionUnverifiable(e.Message);
                unverifiable = true;
                eviction.Report(null);
            }
            catch (Exception e) when (e is RedisException or TimeoutException)
            {
                // The last reading stands; until there is one, the worker waits, so retry soon.
                logger.EvictionReadFailed(e);
                if (!eviction.FirstRead.IsCompleted) delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds, 1000));
            }
            try
            {
                await Task.Delay(delay, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Report(Evicting? evicting)
    {
        var was = eviction.EvictingPolicy;
        if (evicting is { } e && e.Policy != was) logger.RedisMayEvict(e.Server, e.MaxMemory, e.Policy);
        if (evicting is null && was is not null) logger.RedisEvictionOff();
        eviction.Report(evicting?.Policy);
    }

    /// <summary>The first connected primary that may evict keys, or null when none may.</summary>
    private async Task<Evicting?> ReadAsync()
    {
        var primaries = redis.GetServers().Where(s => s.IsConnected && !s.IsReplica).ToList();
        if (primaries.Count == 0) throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No Redis primary is connected.");
        foreach (var server in primaries)
        {
            var info = (await server.InfoAsync("memory").WaitAsync(StorageHealth.ProbeTimeout))
                .SelectMany(section => section)
                .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
            var maxMemory = info.GetValueOrDefault("maxmemory", "0");
            var policy = info.GetValueOrDefault("maxmemory_policy", "noeviction");
            if (maxMemory != "0" && policy != "noeviction") return new Evicting(server.EndPoint.ToString() ?? "?", maxMemory, policy);
        }
        return null;
    }

    private sealed record Evicting(string Server, string MaxMemory, string Policy);
}
