using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using CallbackPipeline.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CallbackPipeline.IntegrationTests.Providers;

/// <summary>
/// The pipeline with tracing on, as in production when an OTLP endpoint is set (nothing listens there), and a
/// database password in its connection string (the test server trusts local connections, so it is not checked).
/// </summary>
public sealed class TracingApp : PipelineApp
{
    public const string DatabasePassword = "SECRET-database-password";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureAppConfiguration((_, configuration) =>
        {
            var postgres = configuration.Build()["ConnectionStrings:postgres"];
            configuration.AddInMemoryCollection([new("ConnectionStrings:postgres", $"{postgres};Password={DatabasePassword}")]);
        });
    }
}

public sealed class TraceLeakTests(TracingApp app) : IClassFixture<TracingApp>, IDisposable
{
    private readonly ConcurrentQueue<string> recorded = new();
    private readonly ConcurrentDictionary<ActivityTraceId, bool> flushes = new();

    private ActivityListener? listener;

    [Fact]
    public async Task NoSecretTokenKeyOrPassword_AppearsInAnySpanTagEventOrBaggage()
    {
        listener = new ActivityListener
        {
            ShouldListenTo = _ => true,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = Record,
        };
        ActivitySource.AddActivityListener(listener);

        Assert.Contains(TracingApp.DatabasePassword, app.Services.GetRequiredService<IConfiguration>()["ConnectionStrings:postgres"]);
        var account = await app.CreateAccountAsync();
        using var admin = account.Admin();
        using var reader = account.Reader();
        var tokens = new List<string>();
        foreach (var kind in ProviderKinds.Names)
        {
            var (settings, secrets) = ProviderKinds.Valid(kind);
            var created = await account.CreateProviderAsync(kind, settings, secrets);
            var id = created["id"]!.GetValue<string>();
            if (TokenOf(created) is { } token)
            {
                tokens.Add(token);
                await account.PostCallbackAsync(created, """[{"event":"delivered","data":[{"ts":1715688205,"meta":"trace-1"}]}]""");
                var rotated = await PipelineApp.ReadAsync(await admin.PutAsJsonAsync($"/v1/providers/{id}/settings", new { rotate = new[] { "callbackToken" } }));
                tokens.Add(TokenOf(rotated)!);
                await account.PostCallbackAsync(rotated, "[not json");
                await account.PostCallbackAsync(created, """[{"event":"failed","data":[{"ts":1715688205,"meta":"trace-2"}]}]""");
            }
            await admin.PutAsJsonAsync($"/v1/providers/{id}/settings", new { name = "edited", secrets });
            await reader.GetStringAsync($"/v1/providers/{id}");
            await reader.GetStringAsync($"/v1/providers/{id}/stats");
        }
        await admin.GetStringAsync("/v1/providers");
        // A sentinel callback, traced: once its flush span has ended and the queue is empty, every apply span of the
        // callbacks before it has ended too.
        var sentinel = await account.CreateProviderAsync(name: "sentinel");
        var traceId = ActivityTraceId.CreateRandom();
        using (var request = new HttpRequestMessage(HttpMethod.Post, new Uri(sentinel["callbackUrl"]!.GetValue<string>()).PathAndQuery)
        {
            Content = new StringContent($$"""[{"event":"delivered","data":[{"ts":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}},"meta":"trace-sentinel"}]}]""", System.Text.Encoding.UTF8, "application/json"),
        })
        {
            request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
            using var client = app.CreateClient();
            (await client.SendAsync(request)).EnsureSuccessStatusCode();
        }
        Assert.True(await Polling.UntilAsync(() => Task.FromResult(flushes.ContainsKey(traceId)), found => found), "the sentinel's flush span never ended");
        var queue = app.Services.GetRequiredService<CallbackPipeline.Storage.Queue.IEventQueue>();
        Assert.Equal(0, await Polling.UntilAsync(() => queue.DepthAsync(CancellationToken.None), d => d == 0));

        var spans = recorded.ToList();
        Assert.Contains(spans, s => s.Contains("/v1/callbacks/", StringComparison.Ordinal));
        Assert.Contains(spans, s => s.Contains("db.query.text=", StringComparison.Ordinal));
        string[] forbidden = ["SECRET", PipelineApp.OperatorKey, account.AdminKey, account.ReadKey, .. tokens];
        foreach (var secret in forbidden) Assert.DoesNotContain(spans, s => s.Contains(secret, StringComparison.Ordinal));
    }

    public void Dispose() => listener?.Dispose();

    private static string? TokenOf(System.Text.Json.Nodes.JsonObject provider) =>
        provider["callbackUrl"]!.GetValue<string>().Split("?token=") is [_, var token] ? Uri.UnescapeDataString(token) : null;

    /// <summary>Everything a span exporter could send: name, status, tags, events with their tags, links' tags, baggage.</summary>
    private void Record(Activity activity)
    {
        if (activity.OperationName == "flush") flushes[activity.TraceId] = true;
        var parts = new List<string> { activity.Source.Name, activity.DisplayName, activity.OperationName, activity.StatusDescription ?? "" };
        parts.AddRange(activity.TagObjects.Select(t => $"{t.Key}={t.Value}"));
        parts.AddRange(activity.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}")));
        parts.AddRange(activity.Links.SelectMany(l => l.Tags?.Select(t => $"link:{t.Key}={t.Value}") ?? []));
        parts.AddRange(activity.Baggage.Select(b => $"baggage:{b.Key}={b.Value}"));
        recorded.Enqueue(string.Join(" | ", parts));
    }
}
