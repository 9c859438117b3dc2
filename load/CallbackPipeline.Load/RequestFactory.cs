using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using CallbackPipeline.Core.Forms;
using CallbackPipeline.Core.Twilio;

namespace CallbackPipeline.Load;

/// <summary>
/// One request of a scenario, the events it carries if it is accepted, what the run knows of each (<see cref="Facts"/>,
/// by position), and the request to send once it is accepted (<see cref="Then"/>: a message's callback after its sent event).
/// </summary>
public sealed record PlannedRequest(HttpMethod Method, string Path, string? ContentType, byte[]? Body, (string Name, string Value)[] Headers, EventKey[] Events)
{
    public EventFacts[] Facts { get; init; } = [];

    /// <summary>When it was built: no attempt of it (a retry, a repeat) reaches the pipeline earlier.</summary>
    public DateTimeOffset BuiltAt { get; init; } = DateTimeOffset.UtcNow;

    public PlannedRequest? Then { get; init; }

    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(Method, Path);
        if (Body is not null)
        {
            message.Content = new ByteArrayContent(Body);
            message.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(ContentType!);
        }
        foreach (var (name, value) in Headers) message.Headers.TryAddWithoutValidation(name, value);
        return message;
    }
}

/// <summary>An event the run expects to be counted once: provider, counter, message.</summary>
public readonly record struct EventKey(string ProviderId, string Counter, string MessageId);

/// <summary>
/// What the run knows of an event: for the insights, the country it names itself, the code it fails with, and for a
/// delivery the seconds since its message was sent; the event time it carries, if any (else it is timed when the
/// pipeline accepts it).
/// </summary>
public readonly record struct EventFacts(string? Country, string? Code, long? Delay, DateTimeOffset? Time = null);

/// <summary>
/// Builds unique, validly tokened or signed requests for a scenario, round-robin over the providers of its kind,
/// and repeats earlier requests whole at the scenario's duplicate ratio.
/// </summary>
public sealed class RequestFactory(Target target, ScenarioSpec scenario, string runId)
{
    private readonly List<PlannedRequest> issued = [];
    private readonly Lock gate = new();
    private long next;

    public PlannedRequest Next()
    {
        lock (gate)
        {
            if (issued.Count > 0 && Random.Shared.NextDouble() < scenario.DuplicateRatio)
            {
                return issued[Random.Shared.Next(issued.Count)];
            }
        }
        var n = Interlocked.Increment(ref next);
        var request = Build(n);
        if (scenario.DuplicateRatio > 0)
        {
            lock (gate)
            {
                if (issued.Count < 100_000) issued.Add(request);
            }
        }
        return request;
    }

    private PlannedRequest Build(long n) => scenario.Kind switch
    {
        ScenarioKind.Callbacks => Callback(Provider(n, p => p.Kind is "generic" or "twilio"), n),
        ScenarioKind.Events => SentEvents(n),
        // Blocks of 7 messages a provider: 7 is prime to every modulus Message chooses by, so each provider gets every kind of message.
        ScenarioKind.Messages => Message(Provider(n / 7, p => p.Kind == "generic"), n),
        ScenarioKind.Stats => new PlannedRequest(HttpMethod.Get, StatsPath(), null, null, [("Authorization", $"Bearer {target.ReadKey}")], []),
        ScenarioKind.Baseline => new PlannedRequest(HttpMethod.Post, "/baseline", "application/json", Generic(Provider(n, p => p.Kind == "generic"), n).Body, [], []),
        ScenarioKind.Freshness => Generic(target.Probe!, n),
        _ => throw new ArgumentOutOfRangeException(nameof(n)),
    };

    private LoadProvider Provider(long n, Func<LoadProvider, bool> fits)
    {
        var candidates = target.Providers.Where(fits).ToList();
        return candidates.Count > 0 ? candidates[(int)(n % candidates.Count)] : throw new InvalidOperationException($"Scenario {scenario.Name} needs a provider it can post for.");
    }

    private PlannedRequest Callback(LoadProvider provider, long n) => provider.Kind == "twilio" ? Twilio(provider, n) : Generic(provider, n);

    private PlannedRequest Generic(LoadProvider provider, long n)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var events = new EventKey[scenario.EventsPerRequest];
        var body = new StringBuilder("""[{"event":"delivered","data":[""");
        for (var i = 0; i < events.Length; i++)
        {
            var meta = $"{runId}-g{n}-{i}";
            events[i] = new EventKey(provider.Id, "delivered", meta);
            if (i > 0) body.Append(',');
            body.Append(CultureInfo.InvariantCulture, $$"""{"ts":{{ts}},"meta":"{{meta}}","description":"Delivered to handset"}""");
        }
        body.Append("]}]");
        return new PlannedRequest(HttpMethod.Post, new Uri(provider.CallbackUrl).PathAndQuery, "application/json", Encoding.UTF8.GetBytes(body.ToString()), [], events)
        {
            Facts = [.. events.Select(_ => new EventFacts(null, null, null, DateTimeOffset.FromUnixTimeSeconds(ts)))],
        };
    }

    private PlannedRequest Twilio(LoadProvider provider, long n)
    {
        var sid = $"SM{runId}{n:x}";
        var body = $"AccountSid=AC{new string('0', 32)}&From=%2B15005550006&MessageSid={sid}&MessageStatus=delivered&SmsSid={sid}&SmsStatus=delivered&To=%2B14155550123";
        var signature = Convert.ToBase64String(TwilioSignature.Compute(provider.AuthToken, provider.CallbackUrl, FormFields.Parse(body)));
        return new PlannedRequest(HttpMethod.Post, new Uri(provider.CallbackUrl).PathAndQuery, "application/x-www-form-urlencoded",
            Encoding.UTF8.GetBytes(body), [("X-Twilio-Signature", signature)], [new EventKey(provider.Id, "delivered", sid)])
        {
            Facts = [new EventFacts("US", null, null)],
        };
    }

    private PlannedRequest SentEvents(long n)
    {
        var events = new EventKey[scenario.EventsPerRequest];
        var body = new StringBuilder("""{"events":[""");
        for (var i = 0; i < events.Length; i++)
        {
            var provider = target.Providers[(int)((n + i) % target.Providers.Count)];
            var messageId = $"{runId}-s{n}-{i}";
            events[i] = new EventKey(provider.Id, "sent", messageId);
            if (i > 0) body.Append(',');
            body.Append(CultureInfo.InvariantCulture, $$"""{"providerId":"{{provider.Id}}","messageId":"{{messageId}}","type":"sent"}""");
        }
        body.Append("]}");
        return new PlannedRequest(HttpMethod.Post, "/v1/events", "application/json", Encoding.UTF8.GetBytes(body.ToString()),
            [("Authorization", $"Bearer {target.AdminKey}")], events);
    }

    /// <summary>
    /// Each delay a delivery is sent at, with the upper bound (<c>le</c>) of the bucket its time to deliver must fall in:
    /// written out here, not taken from the product, so that a bucket edge the product gets wrong shows (1 s is on a
    /// bound; 0 s is in the first bucket).
    /// </summary>
    private static readonly (long Delay, long Le)[] Delays = [(0, 1), (1, 1), (3, 5), (7, 10), (15, 20), (45, 60), (100, 120)];

    /// <summary>The failure codes a message may fail with (null: none), and the category each must be counted under.</summary>
    private static readonly (string? Code, string Category)[] Codes = [("906", "blocked"), ("910", "invalid_number"), ("903", "opted_out"), (null, "unknown")];

    private static readonly (string? Country, string? To, string Named)[] Destinations =
        [("IN", null, "IN"), (null, "+14155550123", "US"), (null, "+5511987654321", "BR"), (null, null, "unknown"), ("GB", null, "GB")];

    /// <summary>The <c>le</c> of the bucket a delivery at one of the run's delays must be counted in.</summary>
    public static long BucketOf(long delay) => Delays.Single(d => d.Delay == delay).Le;

    /// <summary>The category a failure with one of the run's codes (<c>none</c> without one) must be counted under.</summary>
    public static string CategoryOf(string code) => Codes.Single(c => (c.Code ?? "none") == code).Category;

    /// <summary>
    /// A message's life: its sent event with a destination (a country, a number, or none), then, once accepted, its
    /// callback: delivered at a known delay (7 in 10), failed with a known code (2 in 10), or none. For a third of the
    /// messages with a callback, the callback comes first and the sent event once it is accepted, as when a provider's
    /// receipt beats the application's own sent event: the delivery or failure is counted under <c>unknown</c> until
    /// the sent event moves it to its country. A third of the delivered messages are then clicked (one in two of those
    /// on two links, in one request), and a quarter replied to. Destination, code and order are chosen by n / 10 with
    /// moduli 5, 4 and 3, independently of the outcome (n mod 10), so every outcome meets every destination. Sent 10
    /// minutes in the past, so every delivery's time is too.
    /// </summary>
    private PlannedRequest Message(LoadProvider provider, long n)
    {
        var messageId = $"{runId}-x{n}";
        var sentAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds());
        var (country, to, named) = Destinations[(int)(n / 10 % Destinations.Length)];
        var destination = (country is null ? "" : $",\"country\":\"{country}\"") + (to is null ? "" : $",\"to\":\"{to}\"");
        var sent = new PlannedRequest(HttpMethod.Post, "/v1/events", "application/json",
            Encoding.UTF8.GetBytes($$"""{"events":[{"providerId":"{{provider.Id}}","messageId":"{{messageId}}","type":"sent","timestamp":"{{sentAt:yyyy-MM-ddTHH:mm:ssZ}}"{{destination}}}]}"""),
            [("Authorization", $"Bearer {target.AdminKey}")], [new EventKey(provider.Id, "sent", messageId)])
        {
            Facts = [new EventFacts(named == "unknown" ? null : named, null, null, sentAt)],
        };
        var outcome = n % 10;
        if (outcome == 9) return sent;
        var delivered = outcome < 7;
        var delay = Delays[(int)(n % Delays.Length)].Delay;
        var code = Codes[(int)(n / 10 % Codes.Length)].Code;
        var record = delivered
            ? $$"""{"ts":{{sentAt.ToUnixTimeSeconds() + delay}},"meta":"{{messageId}}"}"""
            : $$"""{"ts":{{sentAt.ToUnixTimeSeconds() + 2}},"meta":"{{messageId}}"{{(code is null ? "" : $",\"code\":\"{code}\"")}}}""";
        var callback = GenericCallback(provider, delivered ? "delivered" : "failed", record,
            [new EventKey(provider.Id, delivered ? "delivered" : "failed", messageId)],
            [new EventFacts(null, delivered ? null : code ?? "none", delivered ? delay : null, sentAt.AddSeconds(delivered ? delay : 2))]);
        var steps = n / 10 % 3 == 2 ? new List<PlannedRequest> { callback, sent } : [sent, callback];
        if (delivered && n % 3 == 0) steps.Add(Clicks(provider, messageId, sentAt.AddSeconds(200), links: n % 6 == 0 ? 2 : 1));
        if (delivered && n % 4 == 0)
        {
            var repliedAt = sentAt.AddSeconds(300);
            steps.Add(GenericCallback(provider, "replied", $$"""{"ts":{{repliedAt.ToUnixTimeSeconds()}},"meta":"{{messageId}}","toPhone":"56161","incomingText":"STOP"}""",
                [new EventKey(provider.Id, "replies", $"{messageId} reply")], [new EventFacts(null, null, null, repliedAt)]));
        }
        return Chain(steps);
    }

    /// <summary>A message's clicks on <paramref name="links"/> links in one request: that many clicks, and one clicked message.</summary>
    private static PlannedRequest Clicks(LoadProvider provider, string messageId, DateTimeOffset at, int links)
    {
        var records = Enumerable.Range(0, links).Select(l => $$"""{"ts":{{at.ToUnixTimeSeconds()}},"meta":"{{messageId}}","url":"https://shop.example.com/sale?link={{l}}"}""");
        EventKey[] events = [new EventKey(provider.Id, "clicked", messageId), .. Enumerable.Range(0, links).Select(l => new EventKey(provider.Id, "clicks", $"{messageId} link {l}"))];
        return GenericCallback(provider, "clicked", string.Join(',', records), events, [.. events.Select(_ => new EventFacts(null, null, null, at))]);
    }

    private static PlannedRequest GenericCallback(LoadProvider provider, string eventName, string records, EventKey[] events, EventFacts[]? facts) =>
        new(HttpMethod.Post, new Uri(provider.CallbackUrl).PathAndQuery, "application/json",
            Encoding.UTF8.GetBytes($$"""[{"event":"{{eventName}}","data":[{{records}}]}]"""), [], events)
        {
            Facts = facts ?? [],
        };

    /// <summary>Requests sent one after another, each once the one before it was accepted.</summary>
    private static PlannedRequest Chain(List<PlannedRequest> steps) =>
        Enumerable.Range(0, steps.Count - 1).Reverse().Aggregate(steps[^1], (then, i) => steps[i] with { Then = then });

    private string StatsPath()
    {
        var to = DateOnly.FromDateTime(DateTime.UtcNow);
        var from = to.AddDays(1 - scenario.StatsDays);
        return string.Create(CultureInfo.InvariantCulture, $"/v1/stats?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}");
    }
}
