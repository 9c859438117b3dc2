using System.Globalization;
using CallbackPipeline.Core.Insights;

namespace CallbackPipeline.Load;

/// <summary>
/// Compares what the pipeline counts with what it accepted: every 2xx'ed unique event exactly once. It polls until the
/// figures settle or the deadline passes; anything lost or doubled then fails the run.
/// </summary>
public sealed class Verifier(Target target, Ledger ledger)
{
    public async Task<Verification> VerifyAsync(TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        var expectations = ledger.Expectations();
        var insights = ledger.InsightExpectations();
        while (true)
        {
            List<VerificationRow> rows;
            List<InsightCheck> checks;
            try
            {
                rows = await ReadAsync(expectations);
                checks = await InsightChecksAsync(insights);
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException && DateTime.UtcNow < until)
            {
                // The stats are not served yet (a fault run may still have PostgreSQL down): ask again.
                await Task.Delay(250);
                continue;
            }
            var verification = new Verification(rows) { Insights = checks };
            if (verification.Passed || DateTime.UtcNow > until) return verification;
            await Task.Delay(250);
        }
    }

    private async Task<List<VerificationRow>> ReadAsync(Dictionary<(string ProviderId, string Counter), (long Expected, long Maybe)> expectations)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var path = string.Create(CultureInfo.InvariantCulture, $"/v1/stats?from={today.AddDays(-1):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}");
        var counted = (await target.OverviewProvidersAsync(path, target.ReadKey)).ToDictionary(p => p["providerId"]!.GetValue<string>(), p => p["totals"]!);
        var rows = new List<VerificationRow>();
        foreach (var provider in target.AllProviders)
        {
            foreach (var counter in new[] { "sent", "delivered", "failed" })
            {
                var (expected, maybe) = expectations.GetValueOrDefault((provider.Id, counter));
                var actual = counted[provider.Id]![counter]!.GetValue<long>();
                rows.Add(new VerificationRow(provider.Id, provider.Kind, counter, expected, maybe, actual,
                    Lost: Math.Max(0, expected - actual), Doubled: Math.Max(0, actual - expected - maybe)));
            }
        }
        return rows;
    }

    /// <summary>Each provider's insights as served over the run's days, against what its accepted events add up to.</summary>
    private async Task<List<InsightCheck>> InsightChecksAsync(Dictionary<string, InsightExpectation> expectations)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var range = string.Create(CultureInfo.InvariantCulture, $"from={today.AddDays(-1):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}");
        var checks = new List<InsightCheck>();
        foreach (var provider in target.AllProviders)
        {
            var expected = expectations.GetValueOrDefault(provider.Id) ?? new InsightExpectation(new DayInsights(), 0);
            var served = new DayInsights();
            var failures = await target.SendAsync(HttpMethod.Get, $"/v1/providers/{provider.Id}/stats/failures?{range}", target.ReadKey);
            foreach (var code in failures["codes"]!.AsArray()) served.AddFailure(code!["code"]!.GetValue<string>(), code["failed"]!.GetValue<long>());
            var countries = await target.SendAsync(HttpMethod.Get, $"/v1/providers/{provider.Id}/stats/countries?{range}", target.ReadKey);
            foreach (var c in countries["countries"]!.AsArray())
            {
                served.AddCountry(c!["country"]!.GetValue<string>(), new CountryCounts(c["sent"]!.GetValue<long>(), c["delivered"]!.GetValue<long>(), c["failed"]!.GetValue<long>()));
            }
            var latency = await target.SendAsync(HttpMethod.Get, $"/v1/providers/{provider.Id}/stats/latency?{range}", target.ReadKey);
            var buckets = latency["buckets"]!.AsArray();
            for (var i = 0; i < buckets.Count; i++) served.Latency[i] = buckets[i]!["messages"]!.GetValue<long>();
            checks.Add(InsightCheck.Of(provider.Id, expected, served));
        }
        return checks;
    }
}

/// <summary>
/// One provider's insights: how far the served tallies are from the expected ones (failures by code, countries'
/// sent, delivered and failed, latency buckets), summed over every tally, against what the events without an answer
/// allow.
/// </summary>
public sealed record InsightCheck(string ProviderId, long Failures, long Countries, long Timed, long Off, long Allowed)
{
    public bool Passed => Off <= Allowed;

    public static InsightCheck Of(string providerId, InsightExpectation expectation, DayInsights served)
    {
        var expected = expectation.Expected;
        long Diff<TKey>(IEnumerable<TKey> keys, Func<TKey, long> a, Func<TKey, long> b) => keys.Distinct().Sum(k => Math.Abs(a(k) - b(k)));
        var codes = expected.Failures.Keys.Concat(served.Failures.Keys);
        var countries = expected.Countries.Keys.Concat(served.Countries.Keys).ToList();
        var off = Diff(codes, k => expected.Failures.GetValueOrDefault(k), k => served.Failures.GetValueOrDefault(k))
            + Diff(countries, k => expected.Countries.GetValueOrDefault(k).Sent, k => served.Countries.GetValueOrDefault(k).Sent)
            + Diff(countries, k => expected.Countries.GetValueOrDefault(k).Delivered, k => served.Countries.GetValueOrDefault(k).Delivered)
            + Diff(countries, k => expected.Countries.GetValueOrDefault(k).Failed, k => served.Countries.GetValueOrDefault(k).Failed)
            + Diff(Enumerable.Range(0, LatencyBuckets.Count), i => expected.Latency[i], i => served.Latency[i]);
        return new InsightCheck(providerId, served.Failures.Values.Sum(), served.Countries.Count, served.Latency.Sum(), off, expectation.Allowed);
    }
}

public sealed record VerificationRow(string ProviderId, string Kind, string Counter, long Expected, long Uncertain, long Counted, long Lost, long Doubled);

public sealed record Verification(List<VerificationRow> Rows)
{
    /// <summary>Each provider's insights against the expected tallies.</summary>
    public List<InsightCheck> Insights { get; init; } = [];

    public bool Passed => Rows.All(r => r.Lost == 0 && r.Doubled == 0) && Insights.All(i => i.Passed);

    /// <summary>The rows summed: accepted, no answer, counted, lost, doubled.</summary>
    public VerificationTotals Totals => new(Rows.Sum(r => r.Expected), Rows.Sum(r => r.Uncertain), Rows.Sum(r => r.Counted), Rows.Sum(r => r.Lost), Rows.Sum(r => r.Doubled));
}

public sealed record VerificationTotals(long Accepted, long NoAnswer, long Counted, long Lost, long Doubled);
