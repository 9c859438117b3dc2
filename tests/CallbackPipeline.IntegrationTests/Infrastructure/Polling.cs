using System.Text.Json.Nodes;

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
}
