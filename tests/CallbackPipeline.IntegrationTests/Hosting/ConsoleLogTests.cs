using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Hosting;

/// <summary>What the host writes to its console, read from the real process.</summary>
public sealed partial class ConsoleLogTests
{
    private const string Forged = "info: CallbackPipeline.Admin[9999] Operator key rotated";

    [Fact]
    public async Task ACallerCannotForgeALogLine_OrFloodOne_AndEveryLineStartsWithItsUtcTime()
    {
        await using var host = await HostProcess.StartAsync();
        using var client = host.Client();

        var forged = await client.PostAsync("/v1/callbacks/prv_x%0A" + Uri.EscapeDataString(Forged), new StringContent("[]"));
        var long_ = await client.PostAsync("/v1/callbacks/" + new string('a', 6000), new StringContent("[]"));
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, long_.StatusCode);

        var lines = await host.OutputUntilAsync(l => l.Contains("aaaa", StringComparison.Ordinal));
        var mentioning = lines.Where(l => l.Contains("Operator key rotated", StringComparison.Ordinal)).ToArray();
        var line = Assert.Single(mentioning);
        Assert.Contains(@"prv_x\u000A" + Forged, line);
        Assert.DoesNotContain(lines, l => l.StartsWith("info: CallbackPipeline.Admin", StringComparison.Ordinal));
        var flood = Assert.Single(lines, l => l.Contains("aaaa", StringComparison.Ordinal));
        Assert.Contains("…(6000 characters)", flood);
        Assert.InRange(flood.Length, 100, 400);
        Assert.All(lines, l => Assert.Matches(UtcTimestamp(), l));
    }

    [Fact]
    public async Task WritesEachEntryAsOneJsonObject_WhenTheJsonFormatIsChosen()
    {
        await using var host = await HostProcess.StartAsync(new Dictionary<string, string> { ["Logging__Console__FormatterName"] = "json" });
        using var client = host.Client();

        await client.PostAsync("/v1/callbacks/prv_json%0Anext", new StringContent("[]"));

        var lines = await host.OutputUntilAsync(l => l.Contains("prv_json", StringComparison.Ordinal));
        var entries = lines.Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.All(entries, e => Assert.Matches(UtcTimestamp(), e.GetProperty("Timestamp").GetString()!));
        var rejected = Assert.Single(entries, e => e.GetProperty("EventId").GetInt32() == 1001);
        Assert.Equal("CallbackPipeline.Api.Callbacks.CallbackReceiver", rejected.GetProperty("Category").GetString());
        Assert.Equal(@"prv_json\u000Anext", rejected.GetProperty("State").GetProperty("ProviderId").GetString());
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")]
    private static partial Regex UtcTimestamp();
}
