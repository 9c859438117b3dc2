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
        var setup = new SetupSpec(new Dictionary<string, int> { ["generic"] = count });
        await new Target(http).SetUpAsync(args.Get("operator-key"), setup, $"many-{Guid.NewGuid():N}"[..13], withProbe: false, concurrency);
        var seconds = timer.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"created {count} generic providers in {seconds:F1} s: {count / seconds:F0} a second, {concurrency} at a time"));
        return 0;
    }
}
