using System.Net;
using CallbackPipeline.Storage.Queue;
using Microsoft.Extensions.DependencyInjection;

namespace CallbackPipeline.IntegrationTests.Pipeline;

public sealed class BackPressureTests(FullQueueApp app) : IClassFixture<FullQueueApp>
{
    [Fact]
    public async Task AFullQueue_Answers503WithRetryAfter_AndQueuesNothing()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var depth = app.Services.GetRequiredService<QueueDepth>();
        var queue = app.Services.GetRequiredService<IEventQueue>();
        depth.Report(10);
        var before = await queue.DepthAsync(CancellationToken.None);

        var callback = await account.PostCallbackAsync(provider, """[{"event":"delivered","data":[{"ts":1764000000,"meta":"m"}]}]""");
        var events = await account.PostEventsAsync(new { providerId = provider["id"]!.GetValue<string>(), messageId = "m", type = "sent" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, callback.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), callback.Headers.RetryAfter!.Delta);
        Assert.Equal("application/problem+json", callback.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, events.StatusCode);
        Assert.Equal(before, await queue.DepthAsync(CancellationToken.None));

        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/readyz")).StatusCode);
        depth.Report(0);
    }
}
