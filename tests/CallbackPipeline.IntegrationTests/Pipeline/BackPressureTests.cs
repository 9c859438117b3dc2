using System.Net;
using CallbackPipeline.IntegrationTests.Hosting;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage.Queue;
using Microsoft.Extensions.DependencyInjection;

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

public sealed class UnreachableQueueTests(RedisDownApp app) : IClassFixture<RedisDownApp>
{
    [Fact]
    public async Task AnUnreachableQueue_Answers503WithRetryAfter()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var response = await account.PostCallbackAsync(provider, """[{"event":"delivered","data":[{"ts":1764000000,"meta":"m"}]}]""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }
}

/// <summary>The queue on a Service Bus namespace that refuses connections: receivers must answer 503, not hang or lose.</summary>
public sealed class ServiceBusDownApp : PipelineApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Queue:Transport"] = "servicebus",
        ["ConnectionStrings:servicebus"] = "Endpoint=sb://127.0.0.1:1/;SharedAccessKeyName=test;SharedAccessKey=bm90LWEtcmVhbC1rZXk=;UseDevelopmentEmulator=true",
        ["Queue:ServiceBus:TryTimeout"] = "00:00:01",
        ["Queue:ServiceBus:MaxRetries"] = "0",
    };
}

public sealed class UnreachableServiceBusTests(ServiceBusDownApp app) : IClassFixture<ServiceBusDownApp>
{
    [Fact]
    public async Task AnUnreachableServiceBus_Answers503WithRetryAfter_AndCountsNothing()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();

        var callback = await account.PostCallbackAsync(provider, """[{"event":"delivered","data":[{"ts":1764000000,"meta":"m"}]}]""");
        var events = await account.PostEventsAsync(new { providerId = id, messageId = "m", type = "sent" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, callback.StatusCode);
        Assert.NotNull(callback.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, events.StatusCode);
        Assert.Empty(await PipelineSteps.RowsAsync(app.Services.GetConnectionString(), id));
        using var client = app.CreateClient();
        await Polling.UntilAsync(() => client.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task TheDeadLetterTools_Answer503WithRetryAfter_WhileServiceBusIsUnreachable()
    {
        using var op = app.Operator();

        foreach (var response in new[] { await op.GetAsync("/v1/admin/dead-letters"), await op.PostAsync("/v1/admin/dead-letters/42/replay", null) })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Contains("Service Bus cannot be reached", await response.Content.ReadAsStringAsync());
        }
    }
}
