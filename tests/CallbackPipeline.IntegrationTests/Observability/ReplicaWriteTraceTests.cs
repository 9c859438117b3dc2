using System.Diagnostics;
using System.Net;
using System.Text;
using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Observability;

/// <summary>
/// The pipeline on a Redis primary with one replica that must acknowledge every write (Redis:WaitForReplicas 1),
/// tracing over OTLP to a receiver of its own.
/// </summary>
public sealed class TracedReplicaApp : ReplicatedRedisApp
{
    private OtlpReceiver? otlp;

    public OtlpReceiver Otlp => otlp ?? throw new InvalidOperationException("Not started.");

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["Redis:WaitForReplicas"] = "1";
            settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = Otlp.Endpoint;
            settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
            settings["OTEL_BSP_SCHEDULE_DELAY"] = "200";
            return settings;
        }
    }

    public override async Task InitializeAsync()
    {
        otlp = await OtlpReceiver.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (otlp is not null) await otlp.DisposeAsync();
        otlp = null;
    }
}

/// <summary>The writes that wait for a replica go over a connection of their own, which is traced like the shared one.</summary>
public sealed class ReplicaWriteTraceTests(TracedReplicaApp app) : IClassFixture<TracedReplicaApp>
{
    [Fact]
    public async Task ACallbacksWriteOverTheReplicatedConnection_IsInTheCallbacksTrace()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var traceId = ActivityTraceId.CreateRandom();
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(provider["callbackUrl"]!.GetValue<string>()).PathAndQuery)
        {
            Content = new StringContent(GenericCallback.Delivered("traced"), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");

        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);

        var spans = await Polling.UntilAsync(
            () => Task.FromResult(app.Otlp.Spans.Where(s => s.TraceId == traceId).ToArray()),
            found => found.Any(s => s.Name == "XADD"));
        Assert.Contains(spans, s => s.Name == "XADD" && s.HasParent);
    }
}
