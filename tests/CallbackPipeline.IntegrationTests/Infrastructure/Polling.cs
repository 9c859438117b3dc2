using System.Text.Json.Nodes;
using CallbackPipeline.Storage.Queue;
using Microsoft.Extensions.DependencyInjection;

namespace CallbackPipeline.IntegrationTests.Infrastructure;

/// <summary>Waits for eventually-consistent figures with a generous deadline: a correctness check, not a timing one.</summary>
public static class Polling
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    public static async Task<JsonObject> StatsUntilAsync(this TestAccount account, string providerId, string from, string to, Func<JsonObject, bool> done)
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            var stats = await account.StatsAsync(providerId, from, to);
            if (done(stats) || DateTime.UtcNow > until) return stats;
            await Task.Delay(50);
        }
    }

    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var until = DateTime.UtcNow + Deadline;
        while (true)
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > until) return value;
            await Task.Delay(50);
        }
    }

    public static long Total(this JsonObject stats, string counter) => stats["totals"]![counter]!.GetValue<long>();

    /// <summary>
    /// The account overview's totals once everything queued before now is counted: a sentinel (one delivered receipt to
    /// <paramref name="genericProvider"/>) is posted and waited for, then the queue is waited until empty (a message
    /// leaves it only after its events are applied). Asserting "nothing else was counted" on these totals cannot pass
    /// merely because the worker had not got there yet. The sentinel adds 1 to <c>delivered</c>.
    /// </summary>
    public static async Task<JsonObject> TotalsAfterSentinelAsync(this TestAccount account, JsonObject genericProvider)
    {
        var response = await account.PostCallbackAsync(genericProvider,
            $$"""[{"event":"delivered","data":[{"ts":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}},"meta":"sentinel-{{Guid.NewGuid():N}}"}]}]""");
        response.EnsureSuccessStatusCode();
        var id = genericProvider["id"]!.GetValue<string>();
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var counted = await account.StatsUntilAsync(id, today, today, s => s.Total("delivered") >= 1);
        if (counted.Total("delivered") < 1) throw new TimeoutException("The sentinel was not counted in time.");
        var queue = account.App.Services.GetRequiredService<IEventQueue>();
        var depth = await UntilAsync(() => queue.DepthAsync(CancellationToken.None), d => d == 0);
        if (depth != 0) throw new TimeoutException($"The queue still holds {depth} messages.");
        using var reader = account.Reader();
        var from = DateTime.UtcNow.AddDays(-365).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        return (await PipelineApp.ReadAsync(await reader.GetAsync($"/v1/stats?from={from}&to={today}")))["totals"]!.AsObject();
    }
}
