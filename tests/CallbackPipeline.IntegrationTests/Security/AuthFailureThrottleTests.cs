using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CallbackPipeline.Core.Forms;
using CallbackPipeline.Core.Twilio;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.IntegrationTests.Providers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace CallbackPipeline.IntegrationTests.Security;

/// <summary>A pipeline with a small failure allowance, whose requests name their source address in a test header.</summary>
public sealed class ThrottleApp : PipelineApp
{
    public const int Allowance = 5;

    public const string SourceHeader = "X-Test-Source";

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Callbacks:AuthFailuresPerMinute"] = Allowance.ToString(CultureInfo.InvariantCulture),
    };

    protected override void ConfigureTestServices(IServiceCollection services) => services.AddTransient<IStartupFilter, SourceFromHeader>();

    /// <summary>The in-memory server has no socket, so the remote address comes from the test header.</summary>
    private sealed class SourceFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, then) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[SourceHeader], out var address)) context.Connection.RemoteIpAddress = address;
                return then(context);
            });
            next(app);
        };
    }
}

public sealed class AuthFailureThrottleTests(ThrottleApp app) : IClassFixture<ThrottleApp>
{
    private static readonly string Today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private async Task<HttpResponseMessage> PostAsync(string source, string path, string body)
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(ThrottleApp.SourceHeader, source);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task RepeatedBadTokens_Get401s_Then429WithRetryAfter_AndAThrottledRequestCountsNothing()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var other = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var path = new Uri(provider["callbackUrl"]!.GetValue<string>()).PathAndQuery;
        const string attacker = "198.51.100.7";

        for (var i = 0; i < ThrottleApp.Allowance; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(attacker, $"/v1/callbacks/{id}?token=guess-{i}", GenericCallback.Delivered("bad"))).StatusCode);
        }
        var throttled = await PostAsync(attacker, $"/v1/callbacks/{id}?token=guess-x", GenericCallback.Delivered("bad"));
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("application/problem+json", throttled.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Too Many Requests", JsonNode.Parse(await throttled.Content.ReadAsStringAsync())!["title"]!.GetValue<string>());
        var retryAfter = int.Parse(throttled.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);

        // The partition is closed for the window, valid or not: the check comes before any signature work.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostAsync(attacker, path, GenericCallback.Delivered("from-throttled-source"))).StatusCode);
        // Another source, and the same source on another provider, are not affected.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("198.51.100.8", path, GenericCallback.Delivered("from-other-source"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(attacker, new Uri(other["callbackUrl"]!.GetValue<string>()).PathAndQuery, GenericCallback.Delivered("other-provider"))).StatusCode);

        // Queue order is FIFO: had the throttled request been queued, it would be counted before the accepted one.
        var stats = await account.StatsUntilAsync(id, Today, Today, s => s.Total("delivered") >= 1);
        Assert.Equal(1, stats.Total("delivered"));
    }

    [Fact]
    public async Task SuccessfulRequests_AreNeverThrottled()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var path = new Uri(provider["callbackUrl"]!.GetValue<string>()).PathAndQuery;
        const string source = "203.0.113.20";

        for (var i = 0; i < ThrottleApp.Allowance - 1; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync(source, $"/v1/callbacks/{id}?token=wrong", GenericCallback.Delivered("bad"))).StatusCode);
        }
        for (var i = 0; i < 10 * ThrottleApp.Allowance; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(source, path, GenericCallback.Delivered($"good-{i}"))).StatusCode);
        }
        var stats = await account.StatsUntilAsync(id, Today, Today, s => s.Total("delivered") >= 10 * ThrottleApp.Allowance);
        Assert.Equal(10 * ThrottleApp.Allowance, stats.Total("delivered"));
    }

    [Fact]
    public async Task BadSignatures_AreThrottledLikeBadTokens()
    {
        var account = await app.CreateAccountAsync();
        var (settings, secrets) = ProviderKinds.Valid("twilio");
        var provider = await account.CreateProviderAsync("twilio", settings, secrets);
        var url = provider["callbackUrl"]!.GetValue<string>();
        const string body = "MessageSid=SM1&MessageStatus=delivered";
        const string source = "2001:db8:1:2::15";

        async Task<HttpStatusCode> Post(string signature, string from = source)
        {
            using var client = app.CreateClient();
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url).PathAndQuery)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/x-www-form-urlencoded"),
            };
            request.Headers.Add("X-Twilio-Signature", signature);
            request.Headers.Add(ThrottleApp.SourceHeader, from);
            return (await client.SendAsync(request)).StatusCode;
        }

        for (var i = 0; i < ThrottleApp.Allowance; i++) Assert.Equal(HttpStatusCode.Unauthorized, await Post("bm9wZQ=="));
        var good = Convert.ToBase64String(TwilioSignature.Compute("SECRET-twilio-auth-token", url, FormFields.Parse(body)));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Post(good));
        // An IPv6 source is throttled by its /64: another address in it shares the partition, the next /64 does not.
        Assert.Equal(HttpStatusCode.TooManyRequests, await Post(good, "2001:db8:1:2::99"));
        Assert.Equal(HttpStatusCode.OK, await Post(good, "2001:db8:1:3::15"));
    }
}
