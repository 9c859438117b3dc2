using System.Globalization;

namespace CallbackPipeline.Load;

/// <summary><c>run</c>: set up an account, run every scenario of a file, verify the counts, write the report.</summary>
public static class RunCommand
{
    public static async Task<int> RunAsync(Arguments args)
    {
        var file = Overrides.Apply(ScenarioFile.Load(args.Positional.Single()), args);
        var status = new StatusFile(args.Get("status", "") is { Length: > 0 } statusPath ? statusPath : null);
        status.Write("setup");
        var runId = $"{DateTimeOffset.UtcNow:yyyyMMddHHmmss}{Random.Shared.Next(1000):D3}";
        var operatorKey = args.Get("operator-key", Environment.GetEnvironmentVariable("Auth__OperatorKey") ?? "");
        using var http = Target.Client(new Uri(args.Get("target", "http://127.0.0.1:8080")));
        var target = new Target(http);
        await target.SetUpAsync(operatorKey, file.Setup, runId, file.Scenarios.Any(s => s.Kind == ScenarioKind.Freshness));

        using var rss = args.GetInt("host-pid", 0) is var pid and > 0 ? new RssSampler(pid) : null;
        var ledger = new Ledger(target.Zone);
        var runner = new Runner(target, ledger);
        var started = DateTimeOffset.UtcNow;
        status.Write("load");
        // As in NBomber, the scenarios of a run go at the same time.
        var results = (await Task.WhenAll(file.Scenarios.Select(async scenario =>
        {
            Console.WriteLine($"scenario {scenario.Name}: {string.Join(", ", scenario.LoadSimulations.Select(s => $"{s.Type} rate={s.Rate} copies={s.Copies} during={s.During}"))}");
            var recorder = await runner.RunAsync(scenario, new RequestFactory(target, scenario, runId), CancellationToken.None);
            return ScenarioResult.From(recorder, scenario.Thresholds);
        }))).ToList();

        Verification? verification = null;
        if (file.Verify)
        {
            status.Write("verifying");
            var deadline = TimeSpan.FromSeconds(args.GetInt("verify-timeout", 60));
            var resent = await runner.ResendUnansweredAsync(deadline);
            Console.WriteLine($"verifying the counts ({resent} requests sent again for want of an answer)…");
            verification = await new Verifier(target, ledger).VerifyAsync(deadline, TimeSpan.FromSeconds(args.GetInt("settle", 6))) with { Resent = resent };
        }
        var report = new RunReport(file.Name, runId, started, results, verification, rss?.MaxBytes);
        var directory = Path.Combine(args.Get("reports", Path.Combine("load", "reports")), $"{runId}-{file.Name}");
        Console.WriteLine(report.Write(directory));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"report: {directory}"));
        if (args.Get("result", "") is { Length: > 0 } result) File.Copy(Path.Combine(directory, "report.json"), result, overwrite: true);
        status.Write("done", report.Passed);
        return report.Passed ? 0 : 1;
    }
}

/// <summary>Samples a process's resident memory twice a second, keeping the peak.</summary>
public sealed class RssSampler : IDisposable
{
    private readonly Timer timer;
    private long max;

    public RssSampler(int pid) => timer = new Timer(_ =>
    {
        // The host may stop or be stopped during a run (fault runs do it on purpose): then there is nothing to sample.
        string? line;
        try
        {
            line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return;
        }
        if (line is not null && long.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture, out var kb))
        {
            InterlockedMax(kb * 1024);
        }
    }, null, TimeSpan.Zero, TimeSpan.FromMilliseconds(500));

    public long MaxBytes => Interlocked.Read(ref max);

    public void Dispose() => timer.Dispose();

    private void InterlockedMax(long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref max)) && Interlocked.CompareExchange(ref max, value, seen) != seen)
        {
        }
    }
}
