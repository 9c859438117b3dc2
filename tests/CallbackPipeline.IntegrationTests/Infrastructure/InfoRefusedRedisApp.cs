namespace CallbackPipeline.IntegrationTests.Infrastructure;

/// <summary>The pipeline on a Redis whose ACL refuses it INFO, as locked-down managed services do.</summary>
public sealed class InfoRefusedRedisApp : PrivateRedisApp
{
    protected override string ConnectionOptions => ",user=pipeline,password=pipeline-password";

    protected override Task PrepareAsync(PrivateRedis started) =>
        started.ExecuteAsync("ACL", "SETUSER", "pipeline", "on", ">pipeline-password", "~*", "&*", "+@all", "-info");
}
