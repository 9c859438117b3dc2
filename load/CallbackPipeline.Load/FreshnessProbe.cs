using System.Diagnostics;
using System.Globalization;

namespace CallbackPipeline.Load;

/// <summary>
/// Freshness: posts one delivered event at a time to the probe provider and, once it got its 2xx, polls the
/// provider's stats until the event shows. The recorded latency is that wait: from 2xx to visible.
/// </summary>
public sealed class FreshnessProbe(Target target, Ledger ledger)
{
    private static readonly TimeSpan GiveUp = TimeSpan.FromSeconds(30);

    public async Task RunAsync(ScenarioSpec scenario, RequestFactory factory, Recorder recorder, CancellationToken cancellationToken)
    {
        var probe = target.Probe!;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var statsPath = string.Create(CultureInfo.InvariantCulture, $"/v1/providers/{probe.Id}/stats?from={today.AddDays(-1):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}");
        var during = scenario.LoadSimulations.Aggregate(TimeSpan.Zero, (sum, s) => sum + s.During);
        var started = Stopwatch.GetTimestamp();
        long visible = 0;
        while (Stopwatch.GetElapsedTime(started) < during && !cancellationToken.IsCancellationRequested)
        {
            var planned = factory.Next();
            using var message = planned.ToMessage();
            using var response = await target.Http.SendAsync(message, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                recorder.Record(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture), TimeSpan.Zero, false, 0);
                continue;
            }
            ledger.Accept(planned.Events, planned.Facts, planned.BuiltAt, DateTimeOffset.UtcNow);
            var accepted = Stopwatch.GetTimestamp();
            var expected = visible + planned.Events.Length;
            while (visible < expected && Stopwatch.GetElapsedTime(accepted) < GiveUp)
            {
                var stats = await target.SendAsync(HttpMethod.Get, statsPath, target.ReadKey);
                visible = stats["totals"]!["delivered"]!.GetValue<long>();
                if (visible < expected) await Task.Delay(10, cancellationToken);
            }
            recorder.Record(visible >= expected ? "visible" : "not-visible", Stopwatch.GetElapsedTime(accepted), visible >= expected, planned.Events.Length);
            await Task.Delay(50, cancellationToken);
        }
        recorder.Duration = Stopwatch.GetElapsedTime(started);
    }
}
