using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.IntegrationTests.Providers;
using Xunit.Abstractions;

namespace CallbackPipeline.IntegrationTests.Security;

/// <summary>
/// The pipeline on a real socket (Kestrel's own limits apply, as in production), with the 401 throttle off so every
/// hostile case reaches the parsers instead of a 429.
/// </summary>
public sealed class FuzzApp : PipelineApp
{
    public FuzzApp() => UseKestrel(0);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Callbacks:AuthFailuresPerMinute"] = "0" };
}

/// <summary>
/// A seeded, reproducible corpus of hostile requests (<see cref="HostileCorpus"/>) against every callback kind and the
/// management API. Whatever arrives: no 5xx, and nothing is counted. The outcomes are reported (<see cref="FuzzReport"/>).
/// </summary>
public sealed class FuzzTests(FuzzApp app, ITestOutputHelper output) : IClassFixture<FuzzApp>
{
    private const int Seed = 20261127;
    private const int CasesPerKind = 132;
    private const int CasesPerRoute = 66;
    private const string Command = "CALLBACKPIPELINE_FUZZ_REPORT=fuzz.md dotnet test tests/CallbackPipeline.IntegrationTests --filter FullyQualifiedName~FuzzTests";

    [Fact]
    public async Task HostileCallbacks_NeverGet5xx_AndCountNothing()
    {
        var random = new Random(Seed);
        var account = await app.CreateAccountAsync();
        var report = new FuzzReport($"Callbacks: {ProviderKinds.Names.Length} kinds × {CasesPerKind} cases", Seed, Command);
        using var client = app.CreateClient();
        foreach (var kind in ProviderKinds.Names)
        {
            var (settings, secrets) = Valid(kind);
            var provider = await account.CreateProviderAsync(kind, settings, secrets);
            var url = provider["callbackUrl"]!.GetValue<string>();
            for (var i = 0; i < CasesPerKind; i++)
            {
                var category = HostileCorpus.Categories[i % HostileCorpus.Categories.Length];
                using var request = HostileCorpus.Callback(random, kind, category, url, new Uri(url).PathAndQuery);
                await report.SendAsync(client, category, request);
            }
        }

        output.WriteLine(report.ToMarkdown());
        report.Publish();
        Assert.Equal(0, report.ServerErrors);
        // Behind every hostile request, a valid one: once it is counted and the queue is empty, anything the hostile ones
        // had queued would be counted too.
        var totals = await account.TotalsAfterSentinelAsync(await account.CreateProviderAsync(name: "sentinel"));
        Assert.Equal(1, totals["delivered"]!.GetValue<long>());
        Assert.All(new[] { "sent", "failed", "clicks", "clicked", "replies" }, c => Assert.Equal(0, totals[c]!.GetValue<long>()));
    }

    [Fact]
    public async Task HostileManagementRequests_NeverGet5xx()
    {
        var random = new Random(Seed + 1);
        var account = await app.CreateAccountAsync();
        var id = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
        using var admin = account.Admin();
        using var op = app.Operator();
        (HttpClient Client, HttpMethod Method, string Path)[] routes =
        [
            (admin, HttpMethod.Post, "/v1/providers"), (admin, HttpMethod.Put, $"/v1/providers/{id}/settings"),
            (admin, HttpMethod.Post, "/v1/events"), (admin, HttpMethod.Post, $"/v1/providers/{id}/test-sms"),
            (admin, HttpMethod.Get, $"/v1/providers/{id}/stats?from={HostileCorpus.Garbage(random)}&to={HostileCorpus.Garbage(random)}"),
            (op, HttpMethod.Post, "/v1/accounts"), (op, HttpMethod.Patch, $"/v1/accounts/{account.Id}"),
            (op, HttpMethod.Post, $"/v1/accounts/{account.Id}/keys"),
        ];
        var report = new FuzzReport($"Management API: {routes.Length} routes × {CasesPerRoute} cases", Seed + 1, Command);
        foreach (var (client, method, path) in routes)
        {
            for (var i = 0; i < CasesPerRoute; i++)
            {
                var category = HostileCorpus.Categories[i % HostileCorpus.Categories.Length];
                using var request = new HttpRequestMessage(method, path) { Content = HostileCorpus.ManagementBody(random, category) };
                await report.SendAsync(client, category, request);
            }
        }

        output.WriteLine(report.ToMarkdown());
        report.Publish();
        Assert.Equal(0, report.ServerErrors);
    }

    /// <summary>Every kind's valid settings, with the Telnyx key pair and signing secret whose private halves the corpus signs with.</summary>
    private static (object Settings, object Secrets) Valid(string kind) => kind switch
    {
        "telnyx" => (new { from = "+13125550100", publicKey = HostileCorpus.TelnyxPublicKey }, new { apiKey = "SECRET-telnyx-api-key" }),
        "generic" => (new { }, new { signingSecret = HostileCorpus.GenericSigningSecret }),
        _ => ProviderKinds.Valid(kind),
    };
}
