using System.Globalization;

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
        while (true)
        {
            List<VerificationRow> rows;
            try
            {
                rows = await ReadAsync(expectations);
            }
            catch (Exception e) when (e is InvalidOperationException or HttpRequestException && DateTime.UtcNow < until)
            {
                // The stats are not served yet (a fault run may still have PostgreSQL down): ask again.
                await Task.Delay(250);
                continue;
            }
            if (rows.All(r => r.Lost == 0 && r.Doubled == 0) || DateTime.UtcNow > until) return new Verification(rows);
            await Task.Delay(250);
        }
    }

    private async Task<List<VerificationRow>> ReadAsync(Dictionary<(string ProviderId, string Counter), (long Expected, long Maybe)> expectations)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var path = string.Create(CultureInfo.InvariantCulture, $"/v1/stats?from={today.AddDays(-1):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}");
        var stats = await target.SendAsync(HttpMethod.Get, path, target.ReadKey);
        var counted = stats["providers"]!.AsArray().ToDictionary(p => p!["providerId"]!.GetValue<string>(), p => p!["totals"]!);
        var rows = new List<VerificationRow>();
        foreach (var provider in target.AllProviders)
        {
            foreach (var counter in new[] { "sent", "delivered" })
            {
                var (expected, maybe) = expectations.GetValueOrDefault((provider.Id, counter));
                var actual = counted[provider.Id]![counter]!.GetValue<long>();
                rows.Add(new VerificationRow(provider.Id, provider.Kind, counter, expected, maybe, actual,
                    Lost: Math.Max(0, expected - actual), Doubled: Math.Max(0, actual - expected - maybe)));
            }
        }
        return rows;
    }
}

public sealed record VerificationRow(string ProviderId, string Kind, string Counter, long Expected, long Uncertain, long Counted, long Lost, long Doubled);

public sealed record Verification(List<VerificationRow> Rows)
{
    public bool Passed => Rows.All(r => r.Lost == 0 && r.Doubled == 0);

    /// <summary>The rows summed: accepted, no answer, counted, lost, doubled.</summary>
    public VerificationTotals Totals => new(Rows.Sum(r => r.Expected), Rows.Sum(r => r.Uncertain), Rows.Sum(r => r.Counted), Rows.Sum(r => r.Lost), Rows.Sum(r => r.Doubled));
}

public sealed record VerificationTotals(long Accepted, long NoAnswer, long Counted, long Lost, long Doubled);
