using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CallbackPipeline.Core.Generic;
using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Pipeline;

public sealed class GenericCallbackTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    private static readonly string Today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    private static readonly long Ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60;

    private static string M(int n) => $"91981234{n:D4}.1234567890.1715688100.20240514.0.wzrk_default.-1.";

    [Fact]
    public async Task CountsTheCleverTapVectors_WithBothShortUrlSpellingsAndDuplicatesDeduplicated()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        string[] vectors =
        [
            $$"""[{"event":"delivered","data":[{"ts":{{Ts}},"meta":"{{M(1)}}","description":"Delivered to handset"}]}]""",
            $$"""[{"event":"failed","data":[{"ts":{{Ts}},"meta":"{{M(2)}}","code":"906","description":"Blocked by DLT"},{"ts":{{Ts}},"meta":"{{M(3)}}","code":900,"description":"Absent subscriber"}]}]""",
            $$"""[{"event":"clicked","data":[{"ts":{{Ts}},"meta":"{{M(1)}}","url":"https://shop.example.com/sale","shortUrl":"https://sh.example.in/Ab3xQ"}]}]""",
            $$"""[{"event":"replied","data":[{"ts":{{Ts}},"meta":"{{M(1)}}","toPhone":"56161","incomingText":"STOP"}]}]""",
            $$"""[{"event":"delivered","data":[{"ts":{{Ts}},"meta":"{{M(1)}}","description":"Delivered to handset","INMSID":"0"},{"ts":{{Ts}},"meta":"{{M(4)}}","description":"Delivered"}]},{"event":"clicked","data":[{"ts":{{Ts}},"meta":"{{M(4)}}","url":"https://shop.example.com/","shorturl":"sh.example.in/Zz9"}]}]""",
        ];
        int[] records = [1, 2, 1, 1, 3];
        foreach (var (vector, count) in vectors.Zip(records))
        {
            var response = await account.PostCallbackAsync(provider, vector);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
            var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            Assert.Equal("success", answer["status"]!.GetValue<string>());
            Assert.Equal(count, answer["processed"]!.GetValue<int>());
            Assert.Empty(answer["unprocessed"]!.AsArray());
        }
        // The same batch posted again, as a provider retrying it would.
        await account.PostCallbackAsync(provider, vectors[^1]);

        var stats = await account.StatsUntilAsync(id, Today, Today, s => s.Total("clicks") >= 2 && s.Total("replies") >= 1 && s.Total("delivered") >= 2);
        Assert.Equal(2, stats.Total("delivered"));
        Assert.Equal(2, stats.Total("failed"));
        Assert.Equal(2, stats.Total("clicks"));
        Assert.Equal(2, stats.Total("clicked"));
        Assert.Equal(1, stats.Total("replies"));
    }

    [Fact]
    public async Task ABatchWithSomeInvalidRecords_QueuesTheValidOnes_AndListsTheRest()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var response = await account.PostCallbackAsync(provider,
            $$"""[{"event":"delivered","data":[{"ts":{{Ts}},"meta":"ok-1"},{"ts":{{Ts}}}]},{"event":"opened","data":[{"ts":{{Ts}},"meta":"x"}]},{"event":"failed","data":[{"meta":"f-1","code":"900"}]}]""");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("partial", body["status"]!.GetValue<string>());
        Assert.Equal(2, body["processed"]!.GetValue<int>());
        Assert.Equal([1, 3], body["unprocessed"]!.AsArray().Select(u => u!["index"]!.GetValue<int>()));
        var stats = await account.StatsUntilAsync(provider["id"]!.GetValue<string>(), Today, Today, s => s.Total("delivered") >= 1);
        Assert.Equal(1, stats.Total("delivered"));
        Assert.Equal(0, stats.Total("failed"));
    }

    [Theory]
    [InlineData("""[{"event":"failed","data":[{"ts":1715688210,"code":"913","description":"NDNC Rejected"}]}]""", "No record")]
    [InlineData("""{"event":"delivered"}""", "JSON array")]
    [InlineData("""[{"event":"delivered","data":[{"ts":1715688210,"meta":"a"}]""", "not valid JSON")]
    [InlineData("""[{"event":"delivered","data":{}}]""", "array \"data\"")]
    [InlineData("""[]""", "no records")]
    public async Task RejectsWhatIsNotTheFormat_With400AndNothingQueued(string body, string detail)
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var response = await account.PostCallbackAsync(provider, body);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(detail, problem["detail"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RejectedRequests_QueueNothing()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var valid = $$"""[{"event":"delivered","data":[{"ts":{{Ts}},"meta":"rejected-1"}]}]""";
        using var client = app.CreateClient();
        var path = new Uri(provider["callbackUrl"]!.GetValue<string>()).PathAndQuery;

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync($"/v1/callbacks/{id}", Json(valid))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync($"/v1/callbacks/{id}?token=wrong-token-wrong-token-wrong", Json(valid))).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await client.PostAsync(path, new StringContent(valid, Encoding.UTF8, "text/plain"))).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.PostAsync(path, Json(valid + new string(' ', 1024 * 1024)))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/v1/callbacks/prv_doesnotexist?token=x", Json(valid))).StatusCode);

        // Queue order is FIFO: had any rejected request been queued, it would be counted before this one.
        Assert.Equal(HttpStatusCode.OK, (await account.PostCallbackAsync(provider, $$"""[{"event":"delivered","data":[{"ts":{{Ts}},"meta":"accepted-1"}]}]""")).StatusCode);
        var stats = await account.StatsUntilAsync(id, Today, Today, s => s.Total("delivered") >= 1);
        Assert.Equal(1, stats.Total("delivered"));
    }

    [Fact]
    public async Task WithASigningSecret_StandardWebhooksHeadersAreRequiredAndChecked()
    {
        var account = await app.CreateAccountAsync();
        var secret = "whsec_" + Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray());
        var provider = await account.CreateProviderAsync(secrets: new { signingSecret = secret });
        var path = new Uri(provider["callbackUrl"]!.GetValue<string>()).PathAndQuery;
        var body = $$"""[{"event":"delivered","data":[{"ts":{{Ts}},"meta":"signed-1"}]}]""";
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var stale = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600).ToString(CultureInfo.InvariantCulture);
        using var client = app.CreateClient();

        async Task<HttpStatusCode> Send(string? id, string? timestamp, string? signature)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
            if (id is not null) request.Headers.Add("webhook-id", id);
            if (timestamp is not null) request.Headers.Add("webhook-timestamp", timestamp);
            if (signature is not null) request.Headers.Add("webhook-signature", signature);
            return (await client.SendAsync(request)).StatusCode;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        Assert.Equal(HttpStatusCode.Unauthorized, await Send(null, null, null));
        Assert.Equal(HttpStatusCode.Unauthorized, await Send("msg_1", now, "v1,AAAA" + StandardWebhookSignature.Signature(secret, "msg_1", now, bytes)[7..]));
        Assert.Equal(HttpStatusCode.Unauthorized, await Send("msg_1", stale, StandardWebhookSignature.Signature(secret, "msg_1", stale, bytes)));
        Assert.Equal(HttpStatusCode.OK, await Send("msg_1", now, "v1,bm90IGl0 " + StandardWebhookSignature.Signature(secret, "msg_1", now, bytes)));
    }

    [Fact]
    public async Task WithASigningSecret_TheSvixNamesOfTheHeadersAreAccepted_AndPreferredAsSvixDoes()
    {
        var account = await app.CreateAccountAsync();
        var secret = "whsec_" + Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 5)).ToArray());
        var provider = await account.CreateProviderAsync(secrets: new { signingSecret = secret });
        var id = provider["id"]!.GetValue<string>();
        var path = new Uri(provider["callbackUrl"]!.GetValue<string>()).PathAndQuery;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var client = app.CreateClient();

        async Task<HttpStatusCode> Send(string meta, params (string Name, string Value)[] headers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json($$"""[{"event":"delivered","data":[{"ts":{{Ts}},"meta":"{{meta}}"}]}]""") };
            foreach (var (name, value) in headers) request.Headers.Add(name, value);
            return (await client.SendAsync(request)).StatusCode;
        }
        string Sign(string meta, string messageId) =>
            StandardWebhookSignature.Signature(secret, messageId, now, Encoding.UTF8.GetBytes($$"""[{"event":"delivered","data":[{"ts":{{Ts}},"meta":"{{meta}}"}]}]"""));

        Assert.Equal(HttpStatusCode.OK, await Send("svix-1", ("svix-id", "msg_s1"), ("svix-timestamp", now), ("svix-signature", Sign("svix-1", "msg_s1"))));
        // Both sets present: the svix- ones are read, so a wrong webhook- signature beside a right svix- one passes, and the reverse fails.
        Assert.Equal(HttpStatusCode.OK, await Send("svix-2", ("svix-id", "msg_s2"), ("svix-timestamp", now), ("svix-signature", Sign("svix-2", "msg_s2")),
            ("webhook-id", "msg_s2"), ("webhook-timestamp", now), ("webhook-signature", "v1,AAAA")));
        Assert.Equal(HttpStatusCode.Unauthorized, await Send("svix-3", ("svix-id", "msg_s3"), ("svix-timestamp", now), ("svix-signature", "v1,AAAA"),
            ("webhook-id", "msg_s3"), ("webhook-timestamp", now), ("webhook-signature", Sign("svix-3", "msg_s3"))));

        // A sentinel behind the refused one: once it is counted, a refused request that had been queued would be too.
        Assert.Equal(HttpStatusCode.OK, await Send("svix-4", ("webhook-id", "msg_s4"), ("webhook-timestamp", now), ("webhook-signature", Sign("svix-4", "msg_s4"))));
        var stats = await account.StatsUntilAsync(id, Today, Today, s => s.Total("delivered") >= 3);
        Assert.Equal(3, stats.Total("delivered"));
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
