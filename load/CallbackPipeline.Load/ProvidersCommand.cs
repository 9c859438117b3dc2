using System.Diagnostics;
using System.Globalization;

namespace CallbackPipeline.Load;

/// <summary>
/// The bulk path for many providers (docs/performance.md, "Many providers"): an account and <c>--count</c> generic
/// providers, created through the public API <c>--concurrency</c> at a time, as an operator's script would.
/// </summary>
public static class ProvidersCommand
{
    public static async Task<int> CreateAsync(Arguments args)
    {
        var count = args.GetInt("count", 1000);
        var concurrency = args.GetInt("concurrency", 16);
        using var http = Target.Client(new Uri(args.Get("target")));
        var timer = Stopwatch.StartNew();
        await CreateAsync(new Target(http), args.Get("operator-key"), "many", count, concurrency);
        var seconds = timer.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"created {count} generic providers in {seconds:F1} s: {count / seconds:F0} a second, {concurrency} at a time"));
        return 0;
    }

    /// <summary>An account with an admin and a read key, and <paramref name="count"/> generic providers in it.</summary>
    public static async Task<(string AdminKey, string ReadKey, IReadOnlyList<string> ProviderIds)> CreateAsync(
        Target target, string operatorKey, string name, int count, int concurrency)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var account = await target.SendAsync(HttpMethod.Post, "/v1/accounts", operatorKey, new { name = $"{name}-{run}", timeZone = "UTC" });
        var keys = $"/v1/accounts/{account["id"]!.GetValue<string>()}/keys";
        var admin = (await target.SendAsync(HttpMethod.Post, keys, operatorKey, new { name = $"{name}-admin", role = "admin" }))["key"]!.GetValue<string>();
        var read = (await target.SendAsync(HttpMethod.Post, keys, operatorKey, new { name = $"{name}-read", role = "read" }))["key"]!.GetValue<string>();
        var ids = new string[count];
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) =>
            ids[i] = (await target.SendAsync(HttpMethod.Post, "/v1/providers", admin, new { name = $"{name}-{i}", kind = "generic", settings = new { }, secrets = new { } }))["id"]!.GetValue<string>());
        return (admin, read, ids);
    }
}
