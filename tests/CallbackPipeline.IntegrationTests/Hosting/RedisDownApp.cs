using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Hosting;

public sealed class RedisDownApp : PipelineApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        // Port 1 on loopback: nothing listens there.
        ["ConnectionStrings:redis"] = "127.0.0.1:1,connectTimeout=500",
    };
}
