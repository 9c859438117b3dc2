using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Observability;

/// <summary>
/// What the alert rules and the Grafana dashboard read, scraped from a host that has seen traffic: every metric they
/// name is served, and the latency histograms' buckets give a p99 close to the true one. It runs alone: the exporter
/// serves every host's instruments in this process, and the comparison needs the same values on both sides.
/// </summary>
[Collection(nameof(AlertMetricsTests))]
public sealed partial class AlertMetricsTests(PipelineApp app) : IClassFixture<PipelineApp>, IDisposable
{
    private static readonly string[] Histograms = ["callbackpipeline.stats.duration", "callbackpipeline.flush.duration", "callbackpipeline.flush.lag"];

    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> recorded = new();
    private readonly MeterListener listener = new();

    public void Dispose() => listener.Dispose();

    [Fact]
    public async Task HistogramBuckets_GiveAP99WithinAFactorOfTwoOfTheTrueOne_AndEveryMetricTheAlertsAndDashboardReadIsServed()
    {
        // Both sides are taken over every instrument of the meter name: the buckets' growth across the traffic,
        // and every value recorded meanwhile.
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "CallbackPipeline" && Histograms.Contains(instrument.Name)) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => recorded.GetOrAdd(instrument.Name, _ => []).Add(value));
        listener.Start();
        using var client = app.CreateClient();
        var (before, _) = await QuietScrapeAsync(client, recorded.Clear);

        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        using var reader = account.Reader();
        for (var i = 0; i < 200; i++)
        {
            var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            await account.PostCallbackAsync(provider, $$"""[{"event":"delivered","data":[{"ts":{{ts}},"meta":"p99-{{i}}"}]}]""");
            // A range of its own each time: a cached answer records no read.
            var from = today.AddDays(-(i % 300)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            (await reader.GetAsync($"/v1/providers/{id}/stats?from={from}&to={today:yyyy-MM-dd}")).EnsureSuccessStatusCode();
            if (i % 20 == 0) await Task.Delay(150);
        }
        var stats = await account.StatsUntilAsync(id, $"{today:yyyy-MM-dd}", $"{today:yyyy-MM-dd}", s => s.Total("delivered") == 200);
        Assert.Equal(200, stats.Total("delivered"));
        await Polling.UntilAsync(() => Task.FromResult(recorded.GetValueOrDefault("callbackpipeline.flush.lag")?.Count ?? 0), n => n >= 20);
        Dictionary<string, double[]> snapshot = [];
        var (after, text) = await QuietScrapeAsync(client, () => snapshot = recorded.ToDictionary(r => r.Key, r => r.Value.Order().ToArray()));

        foreach (var name in Histograms)
        {
            var values = snapshot[name];
            var truth = values[(int)Math.Ceiling(0.99 * values.Length) - 1];
            var estimate = PrometheusQuantile(0.99, Delta(after[name], before.GetValueOrDefault(name)));
            Assert.True(estimate / truth is >= 0.5 and <= 2.0, $"{name}: p99 {estimate} from the buckets, {truth} recorded");
        }

        var served = ServedNames().Matches(text).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        foreach (var wanted in NamesReadByAlertsAndDashboard())
        {
            Assert.True(served.Contains(wanted), $"{wanted} is read by an alert or the dashboard but not served");
        }
    }

    /// <summary>
    /// A scrape and <paramref name="atScrape"/> with no histogram value recorded between them: the exporter may answer
    /// from a cache up to 300 ms old, so a second scrape after that long must show the same counts.
    /// </summary>
    private static async Task<(Dictionary<string, SortedDictionary<double, double>> Buckets, string Text)> QuietScrapeAsync(HttpClient client, Action atScrape)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var text = await client.GetStringAsync("/metrics");
            atScrape();
            await Task.Delay(400);
            var first = Buckets(text);
            var second = Buckets(await client.GetStringAsync("/metrics"));
            if (Histograms.All(h => Count(first, h) == Count(second, h))) return (first, text);
        }
        throw new InvalidOperationException("The histograms kept changing across 20 scrapes.");

        static double Count(Dictionary<string, SortedDictionary<double, double>> buckets, string name) =>
            buckets.TryGetValue(name, out var b) ? b[double.PositiveInfinity] : 0;
    }

    /// <summary>Every <c>callbackpipeline_…</c> series named in the alert rules and the dashboard's queries.</summary>
    private static HashSet<string> NamesReadByAlertsAndDashboard()
    {
        var alerts = File.ReadAllText(Repository.Path("deploy/observability/alerts.yml"));
        var dashboard = JsonNode.Parse(File.ReadAllText(Repository.Path("deploy/observability/grafana-dashboard.json")))!;
        var queries = dashboard["panels"]!.AsArray().SelectMany(p => p!["targets"]!.AsArray()).Select(t => t!["expr"]!.GetValue<string>());
        var names = SeriesName().Matches(alerts + "\n" + string.Join('\n', queries)).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);
        Assert.NotEmpty(names);
        return names;
    }

    /// <summary>Cumulative bucket counts by upper bound, summed over every label set, per histogram (dotted name).</summary>
    private static Dictionary<string, SortedDictionary<double, double>> Buckets(string text)
    {
        var result = new Dictionary<string, SortedDictionary<double, double>>(StringComparer.Ordinal);
        foreach (Match m in BucketLine().Matches(text))
        {
            var name = "callbackpipeline." + m.Groups["name"].Value.Replace("_seconds", "", StringComparison.Ordinal).Replace('_', '.');
            var le = m.Groups["le"].Value == "+Inf" ? double.PositiveInfinity : double.Parse(m.Groups["le"].Value, CultureInfo.InvariantCulture);
            var buckets = result.TryGetValue(name, out var b) ? b : result[name] = [];
            buckets[le] = buckets.GetValueOrDefault(le) + double.Parse(m.Groups["count"].Value, CultureInfo.InvariantCulture);
        }
        return result;
    }

    private static SortedDictionary<double, double> Delta(SortedDictionary<double, double> after, SortedDictionary<double, double>? before) =>
        new(after.ToDictionary(b => b.Key, b => b.Value - (before?.GetValueOrDefault(b.Key) ?? 0)));

    /// <summary>PromQL's histogram_quantile: the bucket holding rank q × count, interpolated linearly inside it.</summary>
    private static double PrometheusQuantile(double q, SortedDictionary<double, double> cumulative)
    {
        var total = cumulative[double.PositiveInfinity];
        var rank = q * total;
        var (lower, below) = (0.0, 0.0);
        foreach (var (le, count) in cumulative)
        {
            if (count >= rank)
            {
                return double.IsPositiveInfinity(le) ? lower : lower + ((le - lower) * (rank - below) / (count - below));
            }
            (lower, below) = (le, count);
        }
        throw new InvalidOperationException("No +Inf bucket.");
    }

    [GeneratedRegex(@"callbackpipeline_[a-z_]+[a-z]")]
    private static partial Regex SeriesName();

    [GeneratedRegex(@"(?m)^(callbackpipeline_[a-z_]+)[{ ]")]
    private static partial Regex ServedNames();

    [GeneratedRegex(@"(?m)^callbackpipeline_(?<name>stats_duration_seconds|flush_duration_seconds|flush_lag_seconds)_bucket\{[^}]*le=""(?<le>[^""]+)""[^}]*\} (?<count>[0-9.e+]+)")]
    private static partial Regex BucketLine();
}

[CollectionDefinition(nameof(AlertMetricsTests), DisableParallelization = true)]
public sealed class AlertMetricsCollection;
