using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Hosting;

public sealed class PostgresDownApp : PipelineApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:postgres"] = "Host=127.0.0.1;Port=1;Username=postgres;Timeout=1",
        ["Database:MigrateOnStart"] = "false",
    };
}
