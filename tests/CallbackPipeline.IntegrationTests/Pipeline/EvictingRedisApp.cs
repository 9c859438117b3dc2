using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>The pipeline on a Redis of its own, whose memory settings a test changes while it runs; re-read every 200 ms.</summary>
public sealed class EvictingRedisApp : PipelineApp
{
    private PrivateRedis? redis;

    public PrivateRedis Redis => redis ?? throw new InvalidOperationException("Not started.");

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:redis"] = Redis.Endpoint,
        ["Redis:EvictionCheck"] = "00:00:00.200",
    };

    public override async Task InitializeAsync()
    {
        redis = await PrivateRedis.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (redis is not null) await redis.DisposeAsync();
        redis = null;
    }
}
