using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CallbackPipeline.Load;

/// <summary>NBomber-style results of a run, as Markdown for people and JSON for tools.</summary>
public sealed record ScenarioResult(
    string Name, long Requests, long Ok, long Failed, double Seconds, double Rps, double OkRps, double AcceptedEventsPerSecond,
    double P50Ms, double P75Ms, double P95Ms, double P99Ms, double MaxMs, IReadOnlyDictionary<string, long> StatusCodes, List<string> ThresholdFailures)
{
    public static ScenarioResult From(Recorder r, Thresholds? thresholds)
    {
        var requests = r.Ok + r.Failed;
        var seconds = Math.Max(r.Duration.TotalSeconds, 0.001);
        var failures = new List<string>();
        var p99 = r.PercentileMs(99);
        var failPercent = requests == 0 ? 0 : r.Failed * 100.0 / requests;
        if (thresholds?.P99Ms is { } maxP99 && p99 > maxP99) failures.Add(string.Create(CultureInfo.InvariantCulture, $"p99 {p99:F2} ms > {maxP99} ms"));
        if (thresholds?.FailPercent is { } maxFail && failPercent > maxFail) failures.Add(string.Create(CultureInfo.InvariantCulture, $"fail {failPercent:F2} % > {maxFail} %"));
        return new ScenarioResult(r.Scenario, requests, r.Ok, r.Failed, seconds, requests / seconds, r.Ok / seconds, r.AcceptedEvents / seconds,
            r.PercentileMs(50), r.PercentileMs(75), r.PercentileMs(95), p99, r.MaxMs,
            new SortedDictionary<string, long>(r.StatusCodes), failures);
    }
}

public sealed record RunReport(string Name, string RunId, DateTimeOffset StartedAt, List<ScenarioResult> Scenarios, Verification? Verification, long? HostMaxRssBytes)
{
    public bool Passed => Scenarios.All(s => s.ThresholdFailures.Count == 0) && Verification?.Passed != false;

    public string Write(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "report.json"), JsonSerializer.Serialize(this, ScenarioFile.Json));
        var markdown = Markdown();
        File.WriteAllText(Path.Combine(directory, "report.md"), markdown);
        return markdown;
    }

    public string Markdown()
    {
        var md = new StringBuilder();
        var i = CultureInfo.InvariantCulture;
        md.AppendLine(i, $"# {Name} ({RunId}) — {(Passed ? "PASSED" : "FAILED")}").AppendLine();
        md.AppendLine("| scenario | requests | ok | fail | RPS | ok RPS | accepted events/s | p50 ms | p75 ms | p95 ms | p99 ms | max ms | status codes |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in Scenarios)
        {
            md.AppendLine(i, $"| {s.Name} | {s.Requests} | {s.Ok} | {s.Failed} | {s.Rps:F0} | {s.OkRps:F0} | {s.AcceptedEventsPerSecond:F0} | {s.P50Ms:F2} | {s.P75Ms:F2} | {s.P95Ms:F2} | {s.P99Ms:F2} | {s.MaxMs:F2} | {string.Join(", ", s.StatusCodes.Select(c => $"{c.Key}: {c.Value}"))} |");
        }
        foreach (var failure in Scenarios.SelectMany(s => s.ThresholdFailures.Select(f => $"{s.Name}: {f}"))) md.AppendLine(i, $"\n- threshold failed: {failure}");
        if (HostMaxRssBytes is { } rss) md.AppendLine(i, $"\nHost RSS max: {rss / 1024.0 / 1024.0:F0} MiB");
        if (Verification is { } v)
        {
            md.AppendLine().AppendLine(i, $"## Verification: {(v.Passed ? "every accepted event counted exactly once, its insights too" : "LOST OR DOUBLED COUNTS OR INSIGHTS")}").AppendLine();
            var t = v.Totals;
            md.AppendLine(i, $"Totals: accepted {t.Accepted}, no answer {t.NoAnswer}, counted {t.Counted}, lost {t.Lost}, doubled {t.Doubled}; {v.Resent} requests sent again after the load for want of an answer").AppendLine();
            if (v.MovedAfterMatching) md.AppendLine("The figures matched, then moved before the settle time was up.").AppendLine();
            md.AppendLine("| provider | kind | counter | accepted | no answer | counted | lost | doubled |").AppendLine("|---|---|---|---|---|---|---|---|");
            foreach (var r in v.Rows.Where(r => r.Expected + r.Uncertain + r.Counted > 0))
            {
                md.AppendLine(i, $"| {r.ProviderId} | {r.Kind} | {r.Counter} | {r.Expected} | {r.Uncertain} | {r.Counted} | {r.Lost} | {r.Doubled} |");
            }
            md.AppendLine().AppendLine(i, $"Days: {(v.Days.Count == 0 ? "every counter holds on each day what must count on it" : $"{v.Days.Count} provider-days off")}.");
            foreach (var d in v.Days.Take(10)) md.AppendLine(i, $"- {d.ProviderId} {d.Counter} on {d.Day:yyyy-MM-dd}: counted {d.Counted}, expected {d.Expected} (and up to {d.MayAlso} more)");
            md.AppendLine().AppendLine(i, $"Insights: {v.Insights.Count(c => c.Passed)} of {v.Insights.Count} providers exact; {v.Insights.Sum(c => c.Failures)} failures by code, {v.Insights.Sum(c => c.Timed)} times to deliver, off by {v.Insights.Sum(c => c.Off)} in all.");
            foreach (var c in v.Insights.Where(c => !c.Passed))
            {
                md.AppendLine(i, $"- {c.ProviderId}: insights off by {c.Off}: {string.Join(", ", c.Differences.Take(10).Select(d => $"{d.Key} expected {d.Value.Expected}, served {d.Value.Served}"))}");
            }
        }
        return md.ToString();
    }
}
