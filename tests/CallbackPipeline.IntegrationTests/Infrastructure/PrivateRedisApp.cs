namespace CallbackPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// The pipeline on a Redis of its own (<see cref="PrivateRedis"/>), whose configuration a test may change while it
/// runs; the eviction policy is re-read every 200 ms.
/// </summary>
public class PrivateRedisApp : PipelineApp
{
    private PrivateRedis? redis;

    public PrivateRedis Redis => redis ?? throw new InvalidOperationException("Not started.");

    /// <summary>What the pipeline connects with, appended to the Redis endpoint.</summary>
    protected virtual string ConnectionOptions => "";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:redis"] = Redis.Endpoint + ConnectionOptions,
        ["Redis:EvictionCheck"] = "00:00:00.200",
    };

    /// <summary>Runs on the new Redis before the pipeline starts.</summary>
    protected virtual Task PrepareAsync(PrivateRedis started) => Task.CompletedTask;

    public override async Task InitializeAsync()
    {
        redis = await PrivateRedis.StartAsync();
        await PrepareAsync(redis);
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (redis is not null) await redis.DisposeAsync();
        redis = null;
    }
}
