using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using CallbackPipeline.Core.Stats;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Redis;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>
/// What the pipeline promises, run once per queue transport: Redis Streams always, Azure Service Bus when
/// <c>CALLBACKPIPELINE_TEST_SERVICEBUS</c> names a namespace (otherwise those runs report skipped, with the reason).
/// </summary>
public abstract class TransportTests(PipelineApp app)
{
    private static readonly string Today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    protected PipelineApp App => app;

    protected abstract string? Unavailable { get; }

    protected abstract Task SendRawAsync(byte[] body);

    [SkippableFact]
    public async Task CallbacksAndSentEvents_EndUpExactInStatsAndInPostgres()
    {
        Skip.If(Unavailable is not null, Unavailable);
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 30;
        var batch = string.Join(",", Enumerable.Range(0, 50).Select(i => $$"""{"ts":{{ts}},"meta":"e2e-{{i}}"}"""));

        // Delivered before sent, the delivery batch posted twice, sent events in two calls with an overlap.
        Assert.Equal(HttpStatusCode.OK, (await account.PostCallbackAsync(provider, $$"""[{"event":"delivered","data":[{{batch}}]}]""")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await account.PostCallbackAsync(provider, $$"""[{"event":"delivered","data":[{{batch}}]}]""")).StatusCode);
        await account.PostEventsAsync(Enumerable.Range(0, 60).Select(i => (object)new { providerId = id, messageId = $"e2e-{i}", type = "sent" }).ToArray());
        await account.PostEventsAsync(Enumerable.Range(40, 40).Select(i => (object)new { providerId = id, messageId = $"e2e-{i}", type = "sent" }).ToArray());

        var stats = await account.StatsUntilAsync(id, Today, Today, s => s.Total("sent") >= 80 && s.Total("delivered") >= 50);
        Assert.Equal(80, stats.Total("sent"));
        Assert.Equal(50, stats.Total("delivered"));
        Assert.Equal(62.5m, stats["deliveryRate"]!.GetValue<decimal>());

        var rows = await Polling.UntilAsync(() => PipelineSteps.RowsAsync(app.Services.GetConnectionString(), id), r => r.Sum().Sent >= 80 && r.Sum().Delivered >= 50);
        Assert.Equal(new DailyCounts(80, 50, 0, 0, 0, 0), rows.Sum());
    }

    [SkippableFact]
    public async Task ConcurrentCallbacksAndTheirRetries_AreCountedExactlyOnce()
    {
        Skip.If(Unavailable is not null, Unavailable);
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 30;

        // 40 requests of 5 deliveries each, every request sent twice at once, as a provider retrying a slow answer would.
        var bodies = Enumerable.Range(0, 40).Select(r =>
            $$"""[{"event":"delivered","data":[{{string.Join(",", Enumerable.Range(0, 5).Select(i => $$"""{"ts":{{ts}},"meta":"c-{{r}}-{{i}}"}"""))}}]}]""");
        var answers = await Task.WhenAll(bodies.SelectMany(b => new[] { b, b }).Select(b => account.PostCallbackAsync(provider, b)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        await account.StatsUntilAsync(id, Today, Today, s => s.Total("delivered") >= 200);
        var queue = app.Services.GetRequiredService<IEventQueue>();
        await Polling.UntilAsync(() => queue.StatsAsync(CancellationToken.None), s => s.Depth == 0);
        Assert.Equal(200, (await account.StatsUntilAsync(id, Today, Today, _ => true)).Total("delivered"));
    }

    [SkippableFact]
    public async Task AnUnreadableMessage_IsDeadLettered_AndCallbacksAroundItAreCounted()
    {
        Skip.If(Unavailable is not null, Unavailable);
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var queue = app.Services.GetRequiredService<IEventQueue>();
        var deadBefore = (await queue.StatsAsync(CancellationToken.None)).DeadLetters;

        await SendRawAsync("{\"V\":1,\"E\":[{\"P\":null}]}"u8.ToArray());
        await account.PostEventsAsync(new { providerId = id, messageId = "after-poison", type = "sent" });

        Assert.Equal(1, (await account.StatsUntilAsync(id, Today, Today, s => s.Total("sent") >= 1)).Total("sent"));
        await Polling.UntilAsync(() => queue.StatsAsync(CancellationToken.None), s => s.DeadLetters > deadBefore && s.Depth == 0);

        // The operator's tools see it with its reason, whichever transport keeps it.
        using var op = app.Operator();
        var listed = JsonNode.Parse(await op.GetStringAsync("/v1/admin/dead-letters"))!.AsArray();
        Assert.Contains(listed, d => d!["reason"]!.GetValue<string>().Contains("not a readable", StringComparison.Ordinal));
    }
}

public sealed class RedisTransportTests(PipelineApp app) : TransportTests(app), IClassFixture<PipelineApp>
{
    protected override string? Unavailable => null;

    protected override async Task SendRawAsync(byte[] body) =>
        await App.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase()
            .StreamAddAsync(App.Services.GetRequiredService<RedisKeys>().Stream, "d", body);
}

public sealed class ServiceBusTransportTests(ServiceBusPipelineApp app) : TransportTests(app), IClassFixture<ServiceBusPipelineApp>
{
    protected override string? Unavailable => ServiceBusPipelineApp.Unavailable;

    protected override Task SendRawAsync(byte[] body) => app.SendRawAsync(body);
}
