using System.Globalization;

namespace CallbackPipeline.Load;

/// <summary>
/// Compares what the pipeline counts with what it accepted: every 2xx'ed unique event exactly once, in all six
/// counters and on the day it must count on in the account's zone, and the insight figures those events add up to,
/// figure by figure. It polls until the figures match or the
/// deadline passes; once they match they must stay so for the settle time (flushes to PostgreSQL run meanwhile, and a
/// count that moves after matching is doubled or lost). Anything lost or doubled, or an event whose request never got a
/// 2xx after it once got no answer, fails the run.
/// </summary>
public sealed class Verifier(Target target, Ledger ledger)
{
    public static readonly string[] Counters = ["sent", "delivered", "failed", "clicks", "clicked", "replies"];

    public async Task<Verification> VerifyAsync(TimeSpan deadline, TimeSpan settle)
    {
        var until = DateTime.UtcNow + deadline;
        var expectations = ledger.Expectations();
        var days = ledger.DayExpectations();
        var insights = ledger.InsightExpectations();
        DateTime? matched = null;
        while (true)
        {
            Verification verification;
            try
            {
                verification = new Verification(await ReadAsync(expectations))
                {
                    Days = await DayChecksAsync(days), Insights = await InsightChecksAsync(insights),
                };
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException && DateTime.UtcNow < until)
            {
                // The stats are not served yet (a fault run may still have PostgreSQL down): ask again.
                await Task.Delay(250);
                continue;
            }
            if (matched is not null && !verification.Passed) return verification with { MovedAfterMatching = true };
            if (verification.Passed) matched ??= DateTime.UtcNow;
            if (matched is { } since && DateTime.UtcNow - since >= settle) return verification;
            if (matched is null && DateTime.UtcNow > until) return verification;
            await Task.Delay(250);
        }
    }

    private async Task<List<VerificationRow>> ReadAsync(Dictionary<(string ProviderId, string Counter), (long Expected, long Uncertain)> expectations)
    {
        var counted = (await target.OverviewProvidersAsync($"/v1/stats?{Range()}", target.ReadKey))
            .ToDictionary(p => p["providerId"]!.GetValue<string>(), p => p["totals"]!);
        var rows = new List<VerificationRow>();
        foreach (var provider in target.AllProviders)
        {
            foreach (var counter in Counters)
            {
                var (expected, uncertain) = expectations.GetValueOrDefault((provider.Id, counter));
                var actual = counted[provider.Id]![counter]!.GetValue<long>();
                rows.Add(new VerificationRow(provider.Id, provider.Kind, counter, expected, uncertain, actual,
                    Lost: Math.Max(0, expected - actual), Doubled: Math.Max(0, actual - expected - uncertain)));
            }
        }
        return rows;
    }

    /// <summary>Each provider's counters day by day (its stats' series), against the days its accepted events must count on.</summary>
    private async Task<List<DayMismatch>> DayChecksAsync(Dictionary<(string ProviderId, string Counter), (Dictionary<DateOnly, long> ByDay, long AnyDay)> expectations)
    {
        var mismatches = new List<DayMismatch>();
        var range = Range();
        foreach (var provider in target.AllProviders)
        {
            var series = (await target.SendAsync(HttpMethod.Get, $"/v1/providers/{provider.Id}/stats?{range}", target.ReadKey))["series"]!.AsArray();
            foreach (var counter in Counters)
            {
                var counted = series.ToDictionary(d => DateOnly.ParseExact(d!["date"]!.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture), d => d![counter]!.GetValue<long>());
                var (byDay, anyDay) = expectations.GetValueOrDefault((provider.Id, counter), ([], 0));
                mismatches.AddRange(DayMismatch.Of(provider.Id, counter, byDay, anyDay, counted));
            }
        }
        return mismatches;
    }

    /// <summary>Each provider's insights as served over the run's days, against what its accepted events add up to.</summary>
    private async Task<List<InsightCheck>> InsightChecksAsync(Dictionary<string, InsightTallies> expectations)
    {
        var range = Range();
        var checks = new List<InsightCheck>();
        foreach (var provider in target.AllProviders)
        {
            var served = new InsightTallies();
            var failures = await target.SendAsync(HttpMethod.Get, $"/v1/providers/{provider.Id}/stats/failures?{range}", target.ReadKey);
            foreach (var code in failures["codes"]!.AsArray()) served.Add(InsightTallies.Code(code!["code"]!.GetValue<string>()), code["failed"]!.GetValue<long>());
            foreach (var category in failures["categories"]!.AsArray())
            {
                served.Add(InsightTallies.Category(category!["category"]!.GetValue<string>()), category["failed"]!.GetValue<long>());
            }
            var countries = await target.SendAsync(HttpMethod.Get, $"/v1/providers/{provider.Id}/stats/countries?{range}", target.ReadKey);
            foreach (var c in countries["countries"]!.AsArray())
            {
                foreach (var counter in new[] { "sent", "delivered", "failed" })
                {
                    served.Add(InsightTallies.Country(c!["country"]!.GetValue<string>(), counter), c[counter]!.GetValue<long>());
                }
            }
            var latency = await target.SendAsync(HttpMethod.Get, $"/v1/providers/{provider.Id}/stats/latency?{range}", target.ReadKey);
            foreach (var bucket in latency["buckets"]!.AsArray())
            {
                served.Add(InsightTallies.Latency(bucket!["le"]?.GetValue<long>()), bucket["messages"]!.GetValue<long>());
            }
            checks.Add(InsightCheck.Of(provider.Id, expectations.GetValueOrDefault(provider.Id) ?? new InsightTallies(), served));
        }
        return checks;
    }

    /// <summary>The days around today (in the account's zone) that hold every event of a run.</summary>
    private string Range()
    {
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, target.Zone).DateTime);
        return string.Create(CultureInfo.InvariantCulture, $"from={today.AddDays(-1):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}");
    }
}

/// <summary>
/// One provider's insights: how many failures, countries and times to deliver it serves, and every figure that differs
/// from what its accepted events add up to (expected, served).
/// </summary>
public sealed record InsightCheck(string ProviderId, long Failures, long Countries, long Timed, Dictionary<string, FigureDifference> Differences)
{
    public bool Passed => Differences.Count == 0;

    /// <summary>The differences summed, each as far as it is off.</summary>
    public long Off => Differences.Values.Sum(d => Math.Abs(d.Served - d.Expected));

    public static InsightCheck Of(string providerId, InsightTallies expected, InsightTallies served)
    {
        var differences = expected.Values.Keys.Union(served.Values.Keys)
            .Select(k => (Key: k, Expected: expected.Values.GetValueOrDefault(k), Served: served.Values.GetValueOrDefault(k)))
            .Where(d => d.Expected != d.Served)
            .ToDictionary(d => d.Key, d => new FigureDifference(d.Expected, d.Served), StringComparer.Ordinal);
        long Sum(string prefix) => served.Values.Where(v => v.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(v => v.Value);
        var countries = served.Values.Keys.Where(k => k.StartsWith("country ", StringComparison.Ordinal)).Select(k => k.Split(' ')[1]).Distinct().Count();
        return new InsightCheck(providerId, Sum("code "), countries, Sum("latency "), differences);
    }
}

/// <summary>A day on which a counter holds fewer events than must count on it, or more than may.</summary>
public sealed record DayMismatch(string ProviderId, string Counter, DateOnly Day, long Expected, long MayAlso, long Counted)
{
    /// <summary>
    /// The days of one counter on which <paramref name="counted"/> differs from <paramref name="byDay"/> by more than the
    /// <paramref name="anyDay"/> events that may count on any day allow.
    /// </summary>
    public static IEnumerable<DayMismatch> Of(string providerId, string counter, Dictionary<DateOnly, long> byDay, long anyDay, Dictionary<DateOnly, long> counted) =>
        byDay.Keys.Union(counted.Keys)
            .Select(d => new DayMismatch(providerId, counter, d, byDay.GetValueOrDefault(d), anyDay, counted.GetValueOrDefault(d)))
            .Where(m => m.Counted < m.Expected || m.Counted > m.Expected + m.MayAlso)
            .OrderBy(m => m.Day);
}

/// <summary>A figure the run expected and the one the pipeline served.</summary>
public readonly record struct FigureDifference(long Expected, long Served);

public sealed record VerificationRow(string ProviderId, string Kind, string Counter, long Expected, long Uncertain, long Counted, long Lost, long Doubled);

public sealed record Verification(List<VerificationRow> Rows)
{
    /// <summary>Each provider's insights against the expected figures.</summary>
    public List<InsightCheck> Insights { get; init; } = [];

    /// <summary>The days on which a counter does not hold what must count on it.</summary>
    public List<DayMismatch> Days { get; init; } = [];

    /// <summary>Requests sent again after the load because they once got no answer.</summary>
    public int Resent { get; init; }

    /// <summary>The figures matched, then moved within the settle time.</summary>
    public bool MovedAfterMatching { get; init; }

    public bool Passed => !MovedAfterMatching && Rows.All(r => r.Lost == 0 && r.Doubled == 0 && r.Uncertain == 0) && Days.Count == 0 && Insights.All(i => i.Passed);

    /// <summary>The rows summed: accepted, without an answer, counted, lost, doubled.</summary>
    public VerificationTotals Totals => new(Rows.Sum(r => r.Expected), Rows.Sum(r => r.Uncertain), Rows.Sum(r => r.Counted), Rows.Sum(r => r.Lost), Rows.Sum(r => r.Doubled));
}

public sealed record VerificationTotals(long Accepted, long NoAnswer, long Counted, long Lost, long Doubled);
