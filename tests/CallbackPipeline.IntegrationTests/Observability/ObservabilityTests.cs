using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Providers;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Storage.Queue;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;

namespace CallbackPipeline.IntegrationTests.Observability;

public sealed class ObservabilityTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    private static long Sum(MetricCollector<long> collector) => collector.GetMeasurementSnapshot().Sum(m => m.Value);

    [Fact]
    public async Task MetricsMove_WhenEventsFlow_AndRejectionsCarryTheirReason()
    {
        // Counted from an empty queue, so what another test of this class left in flight adds nothing here.
        var queue = app.Services.GetRequiredService<IEventQueue>();
        Assert.Equal(0, await Polling.UntilAsync(() => queue.DepthAsync(CancellationToken.None), d => d == 0));
        var meters = app.Services.GetRequiredService<IMeterFactory>();
        using var accepted = new MetricCollector<long>(meters, "CallbackPipeline", "callbackpipeline.callbacks.accepted");
        using var rejected = new MetricCollector<long>(meters, "CallbackPipeline", "callbackpipeline.callbacks.rejected");
        using var applied = new MetricCollector<long>(meters, "CallbackPipeline", "callbackpipeline.events.applied");
        using var duplicates = new MetricCollector<long>(meters, "CallbackPipeline", "callbackpipeline.events.deduplicated");
        using var unknown = new MetricCollector<long>(meters, "CallbackPipeline", "callbackpipeline.statuses.unknown");
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var body = $$"""[{"event":"delivered","data":[{"ts":{{ts}},"meta":"metric-1"}]},{"event":"opened","data":[{"ts":{{ts}},"meta":"metric-1"}]}]""";

        await account.PostCallbackAsync(provider, body);
        await account.PostCallbackAsync(provider, body);
        using var client = app.CreateClient();
        await client.PostAsync($"/v1/callbacks/{provider["id"]}?token=wrong-token-wrong-token-wrong", new StringContent(body, Encoding.UTF8, "application/json"));
        await Polling.UntilAsync(() => Task.FromResult(Sum(applied) + Sum(duplicates)), n => n >= 2);

        Assert.Equal(2, Sum(accepted));
        Assert.Equal(2, Sum(unknown));
        Assert.Contains(rejected.GetMeasurementSnapshot(), m => m.Tags["reason"] as string == "signature" && m.Value == 1);
        Assert.Equal(1, Sum(applied));
        Assert.Equal(1, Sum(duplicates));
        Assert.All(applied.GetMeasurementSnapshot(), m => Assert.Equal("delivered", m.Tags["event.kind"]));
    }

    [Fact]
    public async Task UncountedRecordSeries_ExistForEveryKind_BeforeAnyCallbackOfIt()
    {
        using var client = app.CreateClient();

        // Every kind's series is there before this class posts any callback of it (it posts generic ones only). Only
        // presence is asserted: the meter is shared by name with other test classes' hosts, which may add to it.
        var text = await client.GetStringAsync("/metrics");
        foreach (var kind in Enum.GetValues<ProviderKind>().Where(k => k != ProviderKind.Generic))
        {
            var name = ProviderKindSpec.Name(kind);
            foreach (var series in new[] { "callbackpipeline_events_ignored_total", "callbackpipeline_statuses_unknown_total" })
            {
                Assert.Matches(new Regex($@"(?m)^{series}\{{[^}}]*provider_kind=""{name}""[^}}]*\}} \d+( |$)"), text);
            }
        }
    }

    [Fact]
    public async Task PrometheusText_IsServedOnMetrics()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        await account.PostCallbackAsync(provider, $$"""[{"event":"delivered","data":[{"ts":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}},"meta":"prom-1"}]}]""");
        using var client = app.CreateClient();

        var text = await Polling.UntilAsync(() => client.GetStringAsync("/metrics"), t => t.Contains("callbackpipeline_queue_depth", StringComparison.Ordinal));
        Assert.Contains("callbackpipeline_callbacks_accepted", text);
        Assert.Contains("callbackpipeline_queue_oldest_age", text);
        Assert.Contains("callbackpipeline_dead_letters", text);
    }

    [Fact]
    public void HostingDiagnosticsCategory_IsOff_EvenAtCritical()
    {
        // ASP.NET Core starts an Activity and a log scope for every request while this category is enabled at Critical.
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");

        Assert.False(logger.IsEnabled(LogLevel.Critical));
    }

    [Fact]
    public async Task OneTrace_RunsFromTheCallbackRequestThroughTheApplyToTheFlush()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "CallbackPipeline" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var traceId = ActivityTraceId.CreateRandom();
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(provider["callbackUrl"]!.GetValue<string>()).PathAndQuery)
        {
            Content = new StringContent($$"""[{"event":"delivered","data":[{"ts":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}},"meta":"traced-1"}]}]""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);

        await Polling.UntilAsync(() => Task.FromResult(spans.Any(s => s.OperationName == "flush" && s.TraceId == traceId)), found => found);
        Assert.Contains(spans, s => s.OperationName == "enqueue" && s.TraceId == traceId);
        Assert.Contains(spans, s => s.OperationName == "apply events" && s.TraceId == traceId);
        Assert.Contains(spans, s => s.OperationName == "flush" && s.TraceId == traceId);
        Assert.DoesNotContain(spans.SelectMany(s => s.TagObjects), t => t.Value?.ToString()?.Contains("token=", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task DeadLetters_CanBeListedAndReplayed_WithTheOperatorKey_AndKeepTheirInsightFields()
    {
        var account = await app.CreateAccountAsync();
        var id = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
        var queue = app.Services.GetRequiredService<IEventQueue>();
        var now = DateTimeOffset.UtcNow;
        var day = DateOnly.FromDateTime(now.UtcDateTime);
        var delivery = new QueueDelivery("0-1", null, null, 1, QueuePayload.Write(
        [
            new CallbackEvent(id, EventKind.Sent, "replayed-1", null, now.ToUnixTimeSeconds(), day) { Country = "IN" },
            new CallbackEvent(id, EventKind.Sent, "replayed-2", null, now.ToUnixTimeSeconds(), day) { Country = "BR" },
            new CallbackEvent(id, EventKind.Failed, "replayed-2", null, now.ToUnixTimeSeconds(), day) { Code = "905", Description = "Subscriber absent" },
        ]));
        await queue.DeadLetterAsync(delivery, "test: set aside by hand", CancellationToken.None);
        using var op = app.Operator();

        var list = JsonNode.Parse(await op.GetStringAsync("/v1/admin/dead-letters"))!.AsArray();
        var entry = list.Single(e => e!["messageId"]!.GetValue<string>() == "0-1")!;
        Assert.Equal("test: set aside by hand", entry["reason"]!.GetValue<string>());
        Assert.Equal(3, entry["events"]!.GetValue<int>());

        using var admin = account.Admin();
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/v1/admin/dead-letters")).StatusCode);
        var replay = await op.PostAsync($"/v1/admin/dead-letters/{entry["id"]}/replay", null);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await op.PostAsync($"/v1/admin/dead-letters/{entry["id"]}/replay", null)).StatusCode);

        var today = now.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var stats = await account.StatsUntilAsync(id, today, today, s => s.Total("sent") >= 2 && s.Total("failed") >= 1);
        Assert.Equal(2, stats.Total("sent"));
        Assert.Equal(1, stats.Total("failed"));
        using var reader = account.Reader();
        var failures = JsonNode.Parse(await reader.GetStringAsync($"/v1/providers/{id}/stats/failures?from={today}&to={today}"))!;
        var code = failures["codes"]!.AsArray().Single()!;
        Assert.Equal("905", code["code"]!.GetValue<string>());
        Assert.Equal("unreachable", code["category"]!.GetValue<string>());
        var countries = JsonNode.Parse(await reader.GetStringAsync($"/v1/providers/{id}/stats/countries?from={today}&to={today}"))!["countries"]!.AsArray()
            .ToDictionary(c => c!["country"]!.GetValue<string>(), c => (Sent: c!["sent"]!.GetValue<long>(), Failed: c!["failed"]!.GetValue<long>()));
        Assert.Equal(new Dictionary<string, (long, long)> { ["BR"] = (1, 1), ["IN"] = (1, 0) }, countries);
    }

    [Fact]
    public async Task ADeadLetterWhoseEventsArePastTheWindow_IsNotReplayed_AndStays_AndABadIdIsNoDeadLetter()
    {
        var account = await app.CreateAccountAsync();
        var id = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
        var old = DateTimeOffset.UtcNow.AddDays(-8);
        await app.Services.GetRequiredService<IEventQueue>().DeadLetterAsync(new QueueDelivery("0-2", null, null, 1, QueuePayload.Write(
            [new CallbackEvent(id, EventKind.Delivered, "too-old", null, old.ToUnixTimeSeconds(), DateOnly.FromDateTime(old.UtcDateTime))])),
            "test: set aside by hand", CancellationToken.None);
        using var op = app.Operator();
        var entry = JsonNode.Parse(await op.GetStringAsync("/v1/admin/dead-letters"))!.AsArray().Single(e => e!["messageId"]!.GetValue<string>() == "0-2")!;
        var entryId = entry["id"]!.GetValue<string>();

        var replay = await op.PostAsync($"/v1/admin/dead-letters/{entryId}/replay", null);

        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        Assert.Contains("dedup window", await replay.Content.ReadAsStringAsync());
        Assert.Contains(JsonNode.Parse(await op.GetStringAsync("/v1/admin/dead-letters"))!.AsArray(), e => e!["id"]!.GetValue<string>() == entryId);
        foreach (var bad in new[] { "not-an-id", entryId.Split('-')[0], "99999999999999999999999-0" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await op.PostAsync($"/v1/admin/dead-letters/{bad}/replay", null)).StatusCode);
        }
        Assert.Contains(JsonNode.Parse(await op.GetStringAsync("/v1/admin/dead-letters"))!.AsArray(), e => e!["id"]!.GetValue<string>() == entryId);
    }
}
