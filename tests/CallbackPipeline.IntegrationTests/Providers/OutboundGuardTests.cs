using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Providers;

/// <summary>
/// The pipeline as deployed (private networks not allowed), with two stand-ins: one on 127.0.0.2, which
/// <c>Outbound:AllowedNetworks</c> lets through as an operator's own gateway would be, and one on 127.0.0.1, which
/// nothing allows.
/// </summary>
public sealed class OutboundGuardApp : PipelineApp
{
    public FakeProviderApi Allowed { get; private set; } = null!;

    public FakeProviderApi Loopback { get; private set; } = null!;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Outbound:AllowedNetworks:0"] = "127.0.0.2/32",
        ["ProviderApis:TwilioBaseUrl"] = Loopback.BaseUrl,
    };

    public override async Task InitializeAsync()
    {
        Allowed = await FakeProviderApi.StartAsync("127.0.0.2");
        Loopback = await FakeProviderApi.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Allowed.DisposeAsync();
        await Loopback.DisposeAsync();
    }
}

public sealed class OutboundGuardTests(OutboundGuardApp app) : IClassFixture<OutboundGuardApp>
{
    private async Task<JsonObject> SendThroughGenericAsync(string sendUrl)
    {
        var account = await app.CreateAccountAsync();
        var id = (await account.CreateProviderAsync("generic", new { sendUrl, sendMethod = "POST", sendBodyTemplate = """{"to":"$$To"}""" }))["id"]!.GetValue<string>();
        using var admin = account.Admin();
        var response = await admin.PostAsJsonAsync($"/v1/providers/{id}/test-sms", new { to = "+15005550006", body = "hi" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static void AssertRefused(JsonObject answer, string rule)
    {
        Assert.False(answer["ok"]!.GetValue<bool>());
        var error = answer["error"]!.GetValue<string>();
        Assert.Contains("public addresses only", error);
        Assert.Contains(rule, error);
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/", "loopback")]
    [InlineData("http://10.1.2.3/", "private")]
    [InlineData("http://172.16.0.1/", "private")]
    [InlineData("http://192.168.1.1/", "private")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "link-local")]
    [InlineData("http://100.64.0.1/", "carrier-grade NAT")]
    [InlineData("http://224.0.0.1/", "multicast")]
    [InlineData("http://0.0.0.0/", "unspecified")]
    [InlineData("http://[::1]/", "loopback")]
    [InlineData("http://[fd12:3456::1]/", "private")]
    [InlineData("http://[fe80::1]/", "link-local")]
    [InlineData("http://[ff02::1]/", "multicast")]
    [InlineData("http://[::]/", "unspecified")]
    [InlineData("http://[::ffff:169.254.169.254]/", "link-local")]
    [InlineData("http://[64:ff9b::a00:1]/", "private")]
    public async Task RefusesTestSms_ToEveryAddressThatIsNotPublic(string sendUrl, string rule)
    {
        AssertRefused(await SendThroughGenericAsync(sendUrl), rule);
    }

    [Fact]
    public async Task RefusesTestSms_WhenTheHostNameResolvesToLoopback_AndSendsNothing()
    {
        var before = app.Loopback.Requests.Count;
        var port = new Uri(app.Loopback.BaseUrl).Port;
        AssertRefused(await SendThroughGenericAsync($"http://localhost:{port}/generic/send"), "loopback");
        Assert.Equal(before, app.Loopback.Requests.Count);
    }

    [Fact]
    public async Task RefusesTestSms_RedirectedToALoopbackAddress_AndSendsNothingThere()
    {
        var target = Uri.EscapeDataString($"{app.Loopback.BaseUrl}/generic/send");
        var before = app.Loopback.Requests.Count;
        var answer = await SendThroughGenericAsync($"{app.Allowed.BaseUrl}/redirect?to={target}");
        AssertRefused(answer, "loopback");
        Assert.Contains(app.Allowed.Requests, r => r.PathAndQuery.StartsWith("/redirect", StringComparison.Ordinal));
        Assert.Equal(before, app.Loopback.Requests.Count);
    }

    [Fact]
    public async Task SendsTestSms_ToANetworkTheOperatorAllowed()
    {
        var answer = await SendThroughGenericAsync($"{app.Allowed.BaseUrl}/generic/send");
        Assert.True(answer["ok"]!.GetValue<bool>());
        Assert.Contains(app.Allowed.Requests, r => r.PathAndQuery == "/generic/send");
    }

    [Fact]
    public async Task RefusesTheOperatorsProviderApiUrl_TooWhenItIsNotPublic()
    {
        var account = await app.CreateAccountAsync();
        var (settings, secrets) = ProviderKinds.Valid("twilio");
        var id = (await account.CreateProviderAsync("twilio", settings, secrets))["id"]!.GetValue<string>();
        using var admin = account.Admin();
        var before = app.Loopback.Requests.Count;
        var response = await admin.PostAsJsonAsync($"/v1/providers/{id}/test-sms", new { to = "+15005550006", body = "hi" });
        AssertRefused(JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject(), "loopback");
        Assert.Equal(before, app.Loopback.Requests.Count);
    }
}
