using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>A queue that reads as full, and re-reads its depth only once a minute, so the test decides what it holds.</summary>
public sealed class FullQueueApp : PipelineApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Queue:MaxDepth"] = "10",
        ["Queue:DepthRefresh"] = "00:01:00",
        ["Callbacks:RetryAfter"] = "00:00:03",
    };
}
