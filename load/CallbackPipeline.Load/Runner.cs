using System.Collections.Concurrent;
using System.Diagnostics;

namespace CallbackPipeline.Load;

/// <summary>
/// Runs a scenario's load simulations in order. Open-model simulations (Inject, RampingInject) start requests on a
/// schedule whatever the latency, and time each from its scheduled start; KeepConstant runs closed-loop copies.
/// A request that got no answer (the server may or may not have queued it) is kept, and sent again after the load until
/// it gets a 2xx, as a provider retries (<see cref="ResendUnansweredAsync"/>): then every event of the run is known to
/// be accepted, and verification can be exact.
/// </summary>
public sealed class Runner(Target target, Ledger ledger)
{
    private const int MaxInFlight = 20_000;

    private readonly ConcurrentQueue<PlannedRequest> unanswered = new();

    /// <summary>
    /// Sends each request that got no answer again until it gets a 2xx or <paramref name="deadline"/> passes, then what
    /// follows it (a message's next callback) the same way; the events of those still without a 2xx go to the ledger as
    /// without an answer. Returns how many requests were sent after the load.
    /// </summary>
    public async Task<int> ResendUnansweredAsync(TimeSpan deadline)
    {
        var until = Stopwatch.GetTimestamp() + (long)(deadline.TotalSeconds * Stopwatch.Frequency);
        var resent = 0;
        while (unanswered.TryDequeue(out var planned))
        {
            resent++;
            var accepted = false;
            for (var attempt = 0; !accepted && Stopwatch.GetTimestamp() < until; attempt++)
            {
                if (attempt > 0) await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(250 * attempt, 2_000)));
                accepted = (await AttemptAsync(planned)).Accepted;
            }
            if (!accepted) ledger.Uncertain(planned.Events);
            else if (planned.Then is { } next) unanswered.Enqueue(next);
        }
        return resent;
    }

    public async Task<Recorder> RunAsync(ScenarioSpec scenario, RequestFactory factory, CancellationToken cancellationToken)
    {
        var recorder = new Recorder(scenario.Name);
        if (scenario.Kind == ScenarioKind.Freshness)
        {
            await new FreshnessProbe(target, ledger).RunAsync(scenario, factory, recorder, cancellationToken);
            return recorder;
        }
        if (scenario.WarmUp is { } warmUp && warmUp > TimeSpan.Zero)
        {
            var warming = new ScenarioSpec(scenario.Name, scenario.Kind, [scenario.LoadSimulations[0] with { During = warmUp }]) { Retries = scenario.Retries };
            await RunSimulationsAsync(warming, factory, new Recorder(scenario.Name), cancellationToken);
        }
        var started = Stopwatch.GetTimestamp();
        await RunSimulationsAsync(scenario, factory, recorder, cancellationToken);
        recorder.Duration = Stopwatch.GetElapsedTime(started);
        return recorder;
    }

    private async Task RunSimulationsAsync(ScenarioSpec scenario, RequestFactory factory, Recorder recorder, CancellationToken cancellationToken)
    {
        var previousRate = 0;
        foreach (var simulation in scenario.LoadSimulations)
        {
            if (simulation.Type == SimulationType.KeepConstant)
            {
                await KeepConstantAsync(simulation, factory, recorder, scenario.Retries, cancellationToken);
            }
            else
            {
                await InjectAsync(simulation, simulation.Type == SimulationType.RampingInject ? previousRate : simulation.Rate, factory, recorder, scenario.Retries, cancellationToken);
                previousRate = simulation.Rate;
            }
        }
    }

    private async Task InjectAsync(LoadSimulation simulation, int fromRate, RequestFactory factory, Recorder recorder, int retries, CancellationToken cancellationToken)
    {
        var inFlight = new ConcurrentDictionary<long, Task>();
        var seconds = simulation.During.TotalSeconds;
        var perSecondFrom = fromRate / simulation.Every.TotalSeconds;
        var perSecondTo = simulation.Rate / simulation.Every.TotalSeconds;
        var start = Stopwatch.GetTimestamp();
        long launched = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var t = Math.Min(Stopwatch.GetElapsedTime(start).TotalSeconds, seconds);
            // Requests due by now: the integral of a linearly changing rate.
            var due = (long)((perSecondFrom * t) + ((perSecondTo - perSecondFrom) * t * t / (2 * seconds)));
            for (; launched < due; launched++)
            {
                if (inFlight.Count >= MaxInFlight) break;
                var id = launched;
                var scheduled = Stopwatch.GetTimestamp();
                inFlight[id] = Task.Run(async () =>
                {
                    await SendAsync(factory.Next(), scheduled, recorder, retries);
                    inFlight.TryRemove(id, out _);
                }, CancellationToken.None);
            }
            if (t >= seconds) break;
            await Task.Delay(1, cancellationToken);
        }
        await Task.WhenAll(inFlight.Values);
    }

    private async Task KeepConstantAsync(LoadSimulation simulation, RequestFactory factory, Recorder recorder, int retries, CancellationToken cancellationToken)
    {
        var until = Stopwatch.GetTimestamp() + (long)(simulation.During.TotalSeconds * Stopwatch.Frequency);
        var copies = Enumerable.Range(0, simulation.Copies).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < until && !cancellationToken.IsCancellationRequested)
            {
                await SendAsync(factory.Next(), Stopwatch.GetTimestamp(), recorder, retries);
            }
        }, CancellationToken.None));
        await Task.WhenAll(copies);
    }

    private async Task SendAsync(PlannedRequest planned, long scheduled, Recorder recorder, int retries)
    {
        var noAnswer = false;
        for (var attempt = 0; ; attempt++)
        {
            var (accepted, outcome, answered) = await AttemptAsync(planned);
            if (accepted)
            {
                recorder.Record(outcome, Stopwatch.GetElapsedTime(scheduled), true, planned.Events.Length);
                if (planned.Then is { } next) await SendAsync(next, Stopwatch.GetTimestamp(), recorder, retries);
                return;
            }
            noAnswer |= !answered;
            if (attempt >= retries)
            {
                recorder.Record(outcome, Stopwatch.GetElapsedTime(scheduled), false, 0);
                // No answer at some attempt: the server may have queued it. It is sent again after the load.
                if (noAnswer) unanswered.Enqueue(planned);
                return;
            }
            recorder.Retried(outcome);
            await Task.Delay(TimeSpan.FromMilliseconds(250 * (attempt + 1)));
        }
    }

    /// <summary>
    /// One attempt: whether it got a 2xx (its events then go to the ledger as accepted), its outcome (the status code,
    /// or what happened instead), and whether it got an answer at all.
    /// </summary>
    private async Task<(bool Accepted, string Outcome, bool Answered)> AttemptAsync(PlannedRequest planned)
    {
        try
        {
            using var message = planned.ToMessage();
            using var response = await target.Http.SendAsync(message, HttpCompletionOption.ResponseContentRead);
            if (response.IsSuccessStatusCode) ledger.Accept(planned.Events, planned.Facts, planned.BuiltAt, DateTimeOffset.UtcNow);
            return (response.IsSuccessStatusCode, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), true);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // "refused": no connection, so the request was never seen. "ended": the server closed the connection
            // without an answer (a keep-alive connection it closed as the request went out). "error": anything else.
            var outcome = e switch
            {
                TaskCanceledException => "timeout",
                HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => "refused",
                HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } => "ended",
                HttpRequestException h => $"error-{h.HttpRequestError}",
                _ => "error",
            };
            return (false, outcome, false);
        }
    }
}
