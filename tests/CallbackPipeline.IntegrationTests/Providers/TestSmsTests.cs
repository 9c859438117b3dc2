using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Providers;

/// <summary>The pipeline with every provider API base URL pointed at a local stand-in, which private networks being allowed lets it reach.</summary>
public sealed class TestSmsApp : PipelineApp
{
    public FakeProviderApi Api { get; private set; } = null!;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ProviderApis:TwilioBaseUrl"] = Api.BaseUrl,
        ["ProviderApis:VonageBaseUrl"] = Api.BaseUrl,
        ["ProviderApis:PlivoBaseUrl"] = Api.BaseUrl,
        ["ProviderApis:TelnyxBaseUrl"] = Api.BaseUrl,
        ["Outbound:AllowPrivateNetworks"] = "true",
    };

    public override async Task InitializeAsync()
    {
        Api = await FakeProviderApi.StartAsync();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Api.DisposeAsync();
    }
}

public sealed class TestSmsTests(TestSmsApp app) : IClassFixture<TestSmsApp>
{
    private const string To = "+15005550006";

    private async Task<(TestAccount Account, string Id, JsonObject Answer, RecordedRequest Request)> SendAsync(string kind, object settings, object secrets, string to = To)
    {
        var account = await app.CreateAccountAsync();
        var id = (await account.CreateProviderAsync(kind, settings, secrets))["id"]!.GetValue<string>();
        using var admin = account.Admin();
        var before = app.Api.Requests.Count;
        var response = await admin.PostAsJsonAsync($"/v1/providers/{id}/test-sms", new { to, body = "Hello from CallbackPipeline ✓" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (account, id, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject(), app.Api.Requests.Skip(before).Single());
    }

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    [Fact]
    public async Task Twilio_PostsMessagesJsonWithBasicAuth_AndCountsTheMessageAsSent()
    {
        var (settings, secrets) = ProviderKinds.Valid("twilio");
        var (account, id, answer, request) = await SendAsync("twilio", settings, secrets);

        Assert.True(answer["ok"]!.GetValue<bool>());
        Assert.Equal("SM" + new string('7', 32), answer["providerMessageId"]!.GetValue<string>());
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/2010-04-01/Accounts/AC{new string('a', 32)}/Messages.json", request.PathAndQuery);
        Assert.Equal(Basic("AC" + new string('a', 32), "SECRET-twilio-auth-token"), request.Authorization);
        Assert.Equal("To=%2B15005550006&Body=Hello+from+CallbackPipeline+%E2%9C%93&From=%2B15005550006", request.Body);

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var stats = await account.StatsUntilAsync(id, today, today, s => s.Total("sent") >= 1);
        Assert.Equal(1, stats.Total("sent"));
        // It counts where it went.
        using var reader = account.Reader();
        var countries = await PipelineApp.ReadAsync(await reader.GetAsync($"/v1/providers/{id}/stats/countries?from={today}&to={today}"));
        Assert.Equal("""[{"country":"US","sent":1,"delivered":0,"failed":0,"deliveryRate":0}]""", countries["countries"]!.ToJsonString());
    }

    [Fact]
    public async Task Twilio_ReportsTheProvidersOwnError()
    {
        var (settings, secrets) = ProviderKinds.Valid("twilio");
        var (_, _, answer, _) = await SendAsync("twilio", settings, secrets, FakeProviderApi.InvalidNumber);
        Assert.False(answer["ok"]!.GetValue<bool>());
        Assert.Contains("is not a valid phone number", answer["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Vonage_PostsSmsJsonWithKeyAndSecret()
    {
        var (_, _, answer, request) = await SendAsync("vonage", new { apiKey = "abcd1234", from = "Acme" }, new { apiSecret = "SECRET-vonage" });
        Assert.Equal("vonage-test-1", answer["providerMessageId"]!.GetValue<string>());
        Assert.Equal(("POST", "/sms/json"), (request.Method, request.PathAndQuery));
        Assert.Equal("api_key=abcd1234&api_secret=SECRET-vonage&from=Acme&to=15005550006&text=Hello+from+CallbackPipeline+%E2%9C%93", request.Body);
    }

    [Fact]
    public async Task Plivo_PostsTheMessageApiWithBasicAuth()
    {
        var (settings, secrets) = ProviderKinds.Valid("plivo");
        var (_, _, answer, request) = await SendAsync("plivo", settings, secrets);
        Assert.Equal("plivo-test-1", answer["providerMessageId"]!.GetValue<string>());
        Assert.Equal(("POST", "/v1/Account/MAXXXXXXXXXXXXXXXXXX/Message/"), (request.Method, request.PathAndQuery));
        Assert.Equal(Basic("MAXXXXXXXXXXXXXXXXXX", "SECRET-plivo-auth-token"), request.Authorization);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal(("+14155550100", "15005550006"), (body["src"]!.GetValue<string>(), body["dst"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Infobip_PostsTextAdvancedWithAppKey()
    {
        var (_, _, answer, request) = await SendAsync("infobip", new { baseUrl = app.Api.BaseUrl, from = "InfoSMS" }, new { apiKey = "SECRET-infobip" });
        Assert.Equal("infobip-test-1", answer["providerMessageId"]!.GetValue<string>());
        Assert.Equal(("POST", "/sms/2/text/advanced", "App SECRET-infobip"), (request.Method, request.PathAndQuery, request.Authorization));
        Assert.Equal("15005550006", JsonNode.Parse(request.Body)!["messages"]![0]!["destinations"]![0]!["to"]!.GetValue<string>());
    }

    [Fact]
    public async Task Telnyx_PostsV2MessagesWithBearerKey()
    {
        var (_, _, answer, request) = await SendAsync("telnyx",
            new { from = "+13125550100", publicKey = ProviderKinds.TelnyxPublicKey, messagingProfileId = "mp-1" }, new { apiKey = "SECRET-telnyx" });
        Assert.Equal("telnyx-test-1", answer["providerMessageId"]!.GetValue<string>());
        Assert.Equal(("POST", "/v2/messages", "Bearer SECRET-telnyx"), (request.Method, request.PathAndQuery, request.Authorization));
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal(("+13125550100", To, "mp-1"), (body["from"]!.GetValue<string>(), body["to"]!.GetValue<string>(), body["messaging_profile_id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Generic_FillsTheTemplatePlaceholders_AndSendsTheHeaders()
    {
        var (account, id, answer, request) = await SendAsync("generic",
            new { sendUrl = $"{app.Api.BaseUrl}/generic/send", sendMethod = "POST", sendBodyTemplate = """{"to":"$$To","text":"$$Body","mid":"$$MessageID"}""" },
            new { sendHeaders = new { authorization = "Key SECRET-generic" } });
        var messageId = answer["providerMessageId"]!.GetValue<string>();
        var body = JsonNode.Parse(request.Body)!;

        Assert.Equal(("POST", "/generic/send", "Key SECRET-generic"), (request.Method, request.PathAndQuery, request.Authorization));
        Assert.Equal((To, "Hello from CallbackPipeline ✓", messageId), (body["to"]!.GetValue<string>(), body["text"]!.GetValue<string>(), body["mid"]!.GetValue<string>()));

        // The provider's callbacks carry that id as meta: the delivery meets the sent message.
        var provider = await PipelineApp.ReadAsync(await account.Admin().GetAsync($"/v1/providers/{id}"));
        await account.PostCallbackAsync(provider, $$"""[{"event":"delivered","data":[{"ts":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1}},"meta":"{{messageId}}"}]}]""");
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var stats = await account.StatsUntilAsync(id, today, today, s => s.Total("sent") >= 1 && s.Total("delivered") >= 1);
        Assert.Equal(100m, stats["deliveryRate"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Generic_GetTemplatesGoInTheUrl()
    {
        var (_, _, answer, request) = await SendAsync("generic",
            new { sendUrl = $"{app.Api.BaseUrl}/generic/send?to=$$To&msg=$$Body", sendMethod = "GET" }, new { });
        Assert.True(answer["ok"]!.GetValue<bool>());
        Assert.Equal(("GET", "/generic/send?to=%2B15005550006&msg=Hello%20from%20CallbackPipeline%20%E2%9C%93"), (request.Method, request.PathAndQuery));
    }

    [Theory]
    [InlineData("15005550006")]
    [InlineData("+1")]
    [InlineData("+1500555000612345")]
    [InlineData("+1 500 555 0006")]
    [InlineData("")]
    public async Task RefusesANumberThatIsNotPossibleE164(string to)
    {
        var account = await app.CreateAccountAsync();
        var (settings, secrets) = ProviderKinds.Valid("twilio");
        var id = (await account.CreateProviderAsync("twilio", settings, secrets))["id"]!.GetValue<string>();
        using var admin = account.Admin();
        var before = app.Api.Requests.Count;
        var response = await admin.PostAsJsonAsync($"/v1/providers/{id}/test-sms", new { to, body = "hi" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"to\"", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, app.Api.Requests.Count);
    }

    [Fact]
    public async Task ArchivedProviders_ReadKeys_AndOtherAccounts_AreRefused()
    {
        var account = await app.CreateAccountAsync();
        var stranger = await app.CreateAccountAsync();
        var (settings, secrets) = ProviderKinds.Valid("twilio");
        var id = (await account.CreateProviderAsync("twilio", settings, secrets))["id"]!.GetValue<string>();
        using var admin = account.Admin();
        using var reader = account.Reader();
        using var other = stranger.Admin();
        var body = new { to = To, body = "hi" };

        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsJsonAsync($"/v1/providers/{id}/test-sms", body)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsJsonAsync($"/v1/providers/{id}/test-sms", body)).StatusCode);
        await admin.PostAsync($"/v1/providers/{id}/archive", null);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync($"/v1/providers/{id}/test-sms", body)).StatusCode);
    }
}
