using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Observability;

/// <summary>What the real host exports over OTLP to a receiver, as a collector sees it.</summary>
public sealed class TraceExportTests
{
    [Fact]
    public async Task AnIdleHostExportsNoSpansOfItsOwnPolling_AndSentEventsAreTracedLikeCallbacks()
    {
        await using var traced = await TracedHost.StartAsync();
        var (receiver, host, admin, provider) = traced;

        // Idle: the worker polls the queue about twenty times a second, the monitor reads its depth four times a
        // second, the flusher looks for work every two seconds. Counted after the set-up's own spans are exported.
        await Task.Delay(1000);
        var before = receiver.Spans.Count;
        await Task.Delay(5000);
        var idle = receiver.Spans.Skip(before).ToArray();
        Assert.True(idle.Length < 5, $"{idle.Length} spans in 5 idle seconds: {string.Join(", ", idle.Select(s => s.Name).Distinct())}");

        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events")
        {
            Content = new StringContent($$"""{"events":[{"providerId":"{{provider["id"]}}","messageId":"traced-sent","type":"sent"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        Assert.Equal(HttpStatusCode.Accepted, (await admin.SendAsync(request)).StatusCode);

        var spans = await Polling.UntilAsync(
            () => Task.FromResult(receiver.Spans.Where(s => s.TraceId == traceId).ToArray()),
            found => found.Any(s => s.Name == "flush"));
        Assert.Contains(spans, s => s.Name == "enqueue" && s.HasParent);
        Assert.Contains(spans, s => s.Name == "apply events" && s.HasParent);
        Assert.Contains(spans, s => s.Name == "flush" && s.HasParent);
    }

    [Fact]
    public async Task ACallbacksQueueWrite_IsInItsOwnTrace_NeverInTheTraceOfAnEarlierRequest()
    {
        await using var traced = await TracedHost.StartAsync();
        var (receiver, host, admin, provider) = traced;
        using var anonymous = host.Client();
        var traces = Enumerable.Range(0, 6).Select(_ => ActivityTraceId.CreateRandom()).ToArray();

        // One at a time, so each request's enqueue is a write of its own.
        foreach (var (traceId, i) in traces.Select((t, i) => (t, i)))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(provider["callbackUrl"]!.GetValue<string>()).PathAndQuery)
            {
                Content = new StringContent(GenericCallback.Delivered($"traced-{i}"), Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
            Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(request)).StatusCode);
        }
        await Polling.UntilAsync(
            () => Task.FromResult(traces.Select(t => receiver.Spans.Count(s => s.TraceId == t && s.Name == "XADD")).ToArray()),
            counts => counts.All(n => n >= 1));

        // Each request's write is its own and in its own trace, a child of its enqueue span.
        Assert.All(traces, t => Assert.Single(receiver.Spans, s => s.TraceId == t && s.Name == "XADD" && s.HasParent));
    }

    /// <summary>The real host exporting to an OTLP receiver, with an account's admin client and a generic provider.</summary>
    private sealed record TracedHost(OtlpReceiver Receiver, HostProcess Host, HttpClient Admin, JsonObject Provider) : IAsyncDisposable
    {
        public static async Task<TracedHost> StartAsync()
        {
            var receiver = await OtlpReceiver.StartAsync();
            var host = await HostProcess.StartAsync(new Dictionary<string, string>
            {
                ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint,
                ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
                ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            });
            using var op = host.Client(PipelineApp.OperatorKey);
            var account = await PipelineApp.ReadAsync(await op.PostAsJsonAsync("/v1/accounts", new { name = "traced", timeZone = "UTC" }));
            var key = await PipelineApp.ReadAsync(await op.PostAsJsonAsync($"/v1/accounts/{account["id"]}/keys", new { name = "admin", role = "admin" }));
            var admin = host.Client(key["key"]!.GetValue<string>());
            var provider = await PipelineApp.ReadAsync(await admin.PostAsJsonAsync("/v1/providers", new { name = "p", kind = "generic" }));
            return new TracedHost(receiver, host, admin, provider);
        }

        public async ValueTask DisposeAsync()
        {
            Admin.Dispose();
            await Host.DisposeAsync();
            await Receiver.DisposeAsync();
        }
    }
}
