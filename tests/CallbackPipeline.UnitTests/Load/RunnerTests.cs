using System.Collections.Concurrent;
using System.Net;
using CallbackPipeline.Load;

namespace CallbackPipeline.UnitTests.Load;

/// <summary>
/// The load harness's runner: a request that got no answer is sent again after the load until it gets a 2xx, so every
/// event of a run is known to be accepted or refused; one that never gets a 2xx stays without an answer.
/// </summary>
public sealed class RunnerTests
{
    private const string Provider = "prv_1";

    /// <summary>Answers 200, except that the first <paramref name="unanswered"/> attempts of each body get no answer.</summary>
    private sealed class Peer(int unanswered) : HttpMessageHandler
    {
        public ConcurrentDictionary<string, int> Attempts { get; } = new();

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadAsStringAsync(cancellationToken);
            return Attempts.AddOrUpdate(body, 1, (_, n) => n + 1) <= unanswered
                ? throw new HttpRequestException(HttpRequestError.ResponseEnded)
                : new HttpResponseMessage(HttpStatusCode.OK);
        }
    }

    private static async Task<(Runner Runner, Ledger Ledger)> RunAsync(Peer peer)
    {
        var target = new Target(new HttpClient(peer) { BaseAddress = new Uri("http://pipeline.test") });
        target.Providers.Add(new LoadProvider(Provider, "generic", "http://pipeline.test/v1/callbacks/prv_1?token=t", ""));
        var ledger = new Ledger(TimeZoneInfo.Utc);
        var runner = new Runner(target, ledger);
        var scenario = new ScenarioSpec("callbacks", ScenarioKind.Callbacks, [new LoadSimulation(SimulationType.Inject, TimeSpan.FromSeconds(1), Rate: 20)]);
        await runner.RunAsync(scenario, new RequestFactory(target, scenario, "run"), CancellationToken.None);
        return (runner, ledger);
    }

    [Fact]
    public async Task ARequestWithoutAnAnswer_IsSentAgainAfterTheLoad_UntilItIsAccepted()
    {
        var peer = new Peer(unanswered: 2);
        var (runner, ledger) = await RunAsync(peer);
        Assert.Empty(ledger.Expectations());

        var resent = await runner.ResendUnansweredAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(20, resent);
        Assert.All(peer.Attempts.Values, n => Assert.Equal(3, n));
        Assert.Equal((20, 0), ledger.Expectations()[(Provider, "delivered")]);
    }

    [Fact]
    public async Task ARequestThatNeverGetsAnAnswer_StaysWithoutOne()
    {
        var (runner, ledger) = await RunAsync(new Peer(unanswered: int.MaxValue));

        await runner.ResendUnansweredAsync(TimeSpan.FromMilliseconds(300));

        Assert.Equal((0, 20), ledger.Expectations()[(Provider, "delivered")]);
    }
}
