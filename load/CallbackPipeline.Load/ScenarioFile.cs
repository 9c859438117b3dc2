using System.Text.Json;
using System.Text.Json.Serialization;

namespace CallbackPipeline.Load;

/// <summary>
/// A load test, in NBomber's vocabulary: scenarios, each with load simulations run one after another, and
/// thresholds that fail the run. See load/README.md for the mapping.
/// </summary>
public sealed record ScenarioFile(string Name, SetupSpec Setup, ScenarioSpec[] Scenarios, bool Verify = true)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        WriteIndented = true,
    };

    public static ScenarioFile Load(string path) =>
        JsonSerializer.Deserialize<ScenarioFile>(File.ReadAllText(path), Json) ?? throw new InvalidOperationException($"{path} is empty.");
}

/// <summary>What the run creates before it starts: one account with providers of each kind.</summary>
/// <param name="Providers">How many providers of each kind: <c>generic</c>, <c>twilio</c>.</param>
/// <param name="TimeZone">The account's reporting zone.</param>
public sealed record SetupSpec(Dictionary<string, int> Providers, string TimeZone = "UTC");

public enum ScenarioKind
{
    /// <summary>Provider callbacks (delivery receipts) of the provider mix.</summary>
    Callbacks,

    /// <summary>Sent events through <c>POST /v1/events</c>.</summary>
    Events,

    /// <summary>Dashboards polling <c>GET /v1/stats</c> over <see cref="ScenarioSpec.StatsDays"/> days.</summary>
    Stats,

    /// <summary>The empty endpoint that only reads the body: the receiver's physical limit.</summary>
    Baseline,

    /// <summary>One delivered event at a time to a probe provider, timed from its 2xx until the stats show it.</summary>
    Freshness,

    /// <summary>
    /// Messages with insights to verify: a sent event with a destination, then its delivery at a known delay or its
    /// failure with a known code.
    /// </summary>
    Messages,
}

/// <param name="Name">Shown in reports.</param>
/// <param name="Kind">What each request is.</param>
/// <param name="LoadSimulations">Run in order, like NBomber's LoadSimulations.</param>
/// <param name="EventsPerRequest">Records per callback (generic batches) or events per sent-events call.</param>
/// <param name="DuplicateRatio">Share of requests that repeat an earlier request whole, as a provider's retry would.</param>
/// <param name="Thresholds">Fail the run when one is not met.</param>
/// <param name="StatsDays">Range of a stats query.</param>
/// <param name="Retries">
/// Times a request without a 2xx is sent again (after 250 ms, then 500 ms, …), as a provider retries: a request the
/// server did queue but could not confirm (Redis gone between its write and its reply) is then confirmed by the retry.
/// </param>
/// <param name="WarmUp">
/// Like NBomber's warm-up: the first load simulation runs this long before the measured run, unrecorded (its accepted
/// events are still verified), so JIT compilation and cold caches stay out of the figures.
/// </param>
public sealed record ScenarioSpec(
    string Name,
    ScenarioKind Kind,
    LoadSimulation[] LoadSimulations,
    int EventsPerRequest = 1,
    double DuplicateRatio = 0,
    Thresholds? Thresholds = null,
    int StatsDays = 7,
    int Retries = 0,
    TimeSpan? WarmUp = null);

public enum SimulationType
{
    /// <summary>Open model: <c>Rate</c> new requests every <c>Interval</c>, whatever the latency.</summary>
    Inject,

    /// <summary>Open model: the rate moves linearly from the previous one to <c>Rate</c> over <c>During</c>.</summary>
    RampingInject,

    /// <summary>Closed model: <c>Copies</c> virtual users, each sending its next request when the last one answered.</summary>
    KeepConstant,
}

public sealed record LoadSimulation(SimulationType Type, TimeSpan During, int Rate = 0, TimeSpan? Interval = null, int Copies = 0)
{
    public TimeSpan Every => Interval ?? TimeSpan.FromSeconds(1);
}

/// <param name="P99Ms">Largest acceptable 99th percentile latency.</param>
/// <param name="FailPercent">Largest acceptable share of requests that did not get a 2xx.</param>
public sealed record Thresholds(double? P99Ms = null, double? FailPercent = null);
