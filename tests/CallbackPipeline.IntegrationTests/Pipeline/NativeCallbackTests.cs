using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CallbackPipeline.Core.Forms;
using CallbackPipeline.Core.Plivo;
using CallbackPipeline.Core.Twilio;
using CallbackPipeline.Core.Vonage;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.IntegrationTests.Providers;
using NSec.Cryptography;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>Each native kind over HTTP: signed as the provider signs, retried as it retries, counted exactly.</summary>
public sealed class NativeCallbackTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    private static readonly string Today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string PathOf(JsonObject provider) => new Uri(provider["callbackUrl"]!.GetValue<string>()).PathAndQuery;

    private static string UrlOf(JsonObject provider) => provider["callbackUrl"]!.GetValue<string>();

    private static string IdOf(JsonObject provider) => provider["id"]!.GetValue<string>();

    private static StringContent Form(string body) => new(body, Encoding.UTF8, "application/x-www-form-urlencoded");

    [Fact]
    public async Task Twilio_SignedStatusCallbacksAndReplies_CountExactly()
    {
        var account = await app.CreateAccountAsync();
        var (settings, secrets) = ProviderKinds.Valid("twilio");
        var provider = await account.CreateProviderAsync("twilio", settings, secrets);
        const string token = "SECRET-twilio-auth-token";
        using var client = app.CreateClient();

        async Task<HttpResponseMessage> Post(string body, string? signature = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, PathOf(provider)) { Content = Form(body) };
            request.Headers.Add("X-Twilio-Signature", signature ?? Convert.ToBase64String(TwilioSignature.Compute(token, UrlOf(provider), FormFields.Parse(body))));
            return await client.SendAsync(request);
        }

        string[] bodies =
        [
            "MessageSid=SM1&MessageStatus=queued", "MessageSid=SM1&MessageStatus=sent", "MessageSid=SM1&MessageStatus=delivered",
            "MessageSid=SM2&MessageStatus=sent", "MessageSid=SM2&MessageStatus=undelivered&ErrorCode=30003",
            "MessageSid=SM3&MessageStatus=sent", "MessageSid=SM3&MessageStatus=teleported",
            "MessageSid=SM9&SmsStatus=received&Body=STOP&From=%2B14155550123",
        ];
        foreach (var body in bodies.Concat(bodies))
        {
            var response = await Post(body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("<Response/>", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post("MessageSid=SM4&MessageStatus=delivered", "fWvK+muw2qVBiinEb3OR1X1ucik=")).StatusCode);

        var stats = await account.StatsUntilAsync(IdOf(provider), Today, Today, s => s.Total("replies") >= 1 && s.Total("failed") >= 1 && s.Total("sent") >= 3);
        Assert.Equal((3, 1, 1, 1), (stats.Total("sent"), stats.Total("delivered"), stats.Total("failed"), stats.Total("replies")));
    }

    [Fact]
    public async Task Vonage_SignedReceiptsAsQueryFormAndJson_CountExactly()
    {
        var account = await app.CreateAccountAsync();
        const string secret = "s1gnatureS3cretForTests";
        var provider = await account.CreateProviderAsync("vonage",
            new { apiKey = "abcd1234", from = "Acme", signatureMethod = "sha256" }, new { apiSecret = "SECRET-x", signatureSecret = secret });
        Assert.DoesNotContain("token", UrlOf(provider));
        var now = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        using var client = app.CreateClient();

        string Signed(string fields)
        {
            var sig = Convert.ToHexString(VonageSignature.Compute(secret, "sha256", FormFields.Parse(fields)));
            return $"{fields}&sig={sig}";
        }
        string Fields(string id, string status) =>
            $"messageId={id}&status={status}&err-code=0&msisdn=447700900123&to=Acme&message-timestamp={Uri.EscapeDataString(now)}&timestamp=1&nonce=n-{id}-{status}";

        var get = Signed(Fields("v-1", "delivered"));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{PathOf(provider)}?{get}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{PathOf(provider)}?{get}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(PathOf(provider), Form(Signed(Fields("v-2", "expired"))))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(PathOf(provider), Form(Signed(Fields("v-3", "accepted"))))).StatusCode);

        var jsonFields = FormFields.Parse(Fields("v-4", "DELIVRD"));
        var sig = Convert.ToHexString(VonageSignature.Compute(secret, "sha256", jsonFields));
        var json = new JsonObject(jsonFields.Pairs.Select(p => new KeyValuePair<string, JsonNode?>(p.Key, p.Value))) { ["sig"] = sig };
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(PathOf(provider), new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json"))).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"{PathOf(provider)}?{Fields("v-5", "delivered")}&sig=00")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"{PathOf(provider)}?{Fields("v-5", "delivered")}")).StatusCode);

        var stats = await account.StatsUntilAsync(IdOf(provider), Today, Today, s => s.Total("delivered") >= 2 && s.Total("failed") >= 1);
        Assert.Equal((2, 1), (stats.Total("delivered"), stats.Total("failed")));
    }

    [Fact]
    public async Task Vonage_WithoutASignatureSecret_UsesTheUrlToken()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync("vonage", new { apiKey = "abcd1234", from = "Acme" }, new { apiSecret = "SECRET-x" });
        using var client = app.CreateClient();
        var fields = "messageId=vt-1&status=delivered&msisdn=447700900123&to=Acme";

        Assert.Contains("?token=", UrlOf(provider));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"{PathOf(provider)}&{fields}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/v1/callbacks/{IdOf(provider)}?{fields}")).StatusCode);
        var stats = await account.StatsUntilAsync(IdOf(provider), Today, Today, s => s.Total("delivered") >= 1);
        Assert.Equal(1, stats.Total("delivered"));
    }

    [Fact]
    public async Task Plivo_V3SignedPostsAndGets_CountExactly()
    {
        var account = await app.CreateAccountAsync();
        var (settings, secrets) = ProviderKinds.Valid("plivo");
        var provider = await account.CreateProviderAsync("plivo", settings, secrets);
        const string token = "SECRET-plivo-auth-token";
        using var client = app.CreateClient();

        async Task<HttpStatusCode> Send(HttpMethod method, string fields, bool sign = true)
        {
            var isPost = method == HttpMethod.Post;
            var url = isPost ? UrlOf(provider) : $"{UrlOf(provider)}?{fields}";
            var nonce = Guid.NewGuid().ToString("N");
            using var request = new HttpRequestMessage(method, isPost ? PathOf(provider) : $"{PathOf(provider)}?{fields}");
            if (isPost) request.Content = Form(fields);
            request.Headers.Add("X-Plivo-Signature-V3-Nonce", nonce);
            var signature = Convert.ToBase64String(PlivoSignature.Compute(token, isPost, url, isPost ? FormFields.Parse(fields) : FormFields.Empty, nonce));
            request.Headers.Add("X-Plivo-Signature-V3", sign ? $"bm9wZQ==,{signature}" : "bm9wZQ==");
            return (await client.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await Send(HttpMethod.Post, "MessageUUID=p-1&Status=sent&Sequence=1"));
        Assert.Equal(HttpStatusCode.OK, await Send(HttpMethod.Post, "MessageUUID=p-1&Status=delivered&Sequence=2"));
        Assert.Equal(HttpStatusCode.OK, await Send(HttpMethod.Post, "MessageUUID=p-1&Status=delivered&Sequence=2"));
        Assert.Equal(HttpStatusCode.OK, await Send(HttpMethod.Get, "MessageUUID=p-2&Status=undelivered&ErrorCode=1234"));
        Assert.Equal(HttpStatusCode.OK, await Send(HttpMethod.Post, "From=919812345678&To=14155550100&Text=STOP&MessageUUID=p-in-1"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Send(HttpMethod.Post, "MessageUUID=p-3&Status=delivered", sign: false));

        var stats = await account.StatsUntilAsync(IdOf(provider), Today, Today, s => s.Total("replies") >= 1 && s.Total("failed") >= 1 && s.Total("delivered") >= 1);
        Assert.Equal((1, 1, 1, 1), (stats.Total("sent"), stats.Total("delivered"), stats.Total("failed"), stats.Total("replies")));
    }

    [Fact]
    public async Task Infobip_TokenAuthenticatedBatches_CountExactly()
    {
        var account = await app.CreateAccountAsync();
        var (settings, secrets) = ProviderKinds.Valid("infobip");
        var provider = await account.CreateProviderAsync("infobip", settings, secrets);
        var doneAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);
        var body = $$$"""
            {"results":[
             {"messageId":"ib-1","doneAt":"{{{doneAt}}}","status":{"groupId":3,"groupName":"DELIVERED"}},
             {"messageId":"ib-2","doneAt":"{{{doneAt}}}","status":{"groupId":4,"groupName":"EXPIRED"}},
             {"messageId":"ib-3","doneAt":"{{{doneAt}}}","status":{"groupId":1,"groupName":"PENDING"}},
             {"doneAt":"{{{doneAt}}}","status":{"groupId":3,"groupName":"DELIVERED"}}]}
            """;
        var first = await account.PostCallbackAsync(provider, body);
        var answer = JsonNode.Parse(await first.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("partial", answer["status"]!.GetValue<string>());
        Assert.Equal(3, answer["unprocessed"]![0]!["index"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.OK, (await account.PostCallbackAsync(provider, body)).StatusCode);
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync($"/v1/callbacks/{IdOf(provider)}", new StringContent(body, Encoding.UTF8, "application/json"))).StatusCode);

        var stats = await account.StatsUntilAsync(IdOf(provider), Today, Today, s => s.Total("delivered") >= 1 && s.Total("failed") >= 1);
        Assert.Equal((1, 1), (stats.Total("delivered"), stats.Total("failed")));
    }

    [Fact]
    public async Task Telnyx_Ed25519SignedWebhooks_CountExactly()
    {
        var account = await app.CreateAccountAsync();
        var seed = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        using var key = Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey);
        var provider = await account.CreateProviderAsync("telnyx",
            new { from = "+13125550100", publicKey = "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=" }, new { apiKey = "SECRET-telnyx" });
        using var client = app.CreateClient();
        var occurred = DateTimeOffset.UtcNow.AddSeconds(-30).ToString("O", CultureInfo.InvariantCulture);

        async Task<HttpStatusCode> Send(string eventType, string id, string status, long? timestamp = null, bool tamper = false)
        {
            var body = $$$"""{"data":{"event_type":"{{{eventType}}}","id":"{{{Guid.NewGuid()}}}","occurred_at":"{{{occurred}}}","payload":{"id":"{{{id}}}","to":[{"phone_number":"+14155550123","status":"{{{status}}}"}]}},"meta":{"attempt":1}}""";
            var ts = (timestamp ?? DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString(CultureInfo.InvariantCulture);
            var signature = SignatureAlgorithm.Ed25519.Sign(key, Encoding.UTF8.GetBytes($"{ts}|{body}"));
            using var request = new HttpRequestMessage(HttpMethod.Post, PathOf(provider))
            {
                Content = new StringContent(tamper ? body.Replace("\"attempt\":1", "\"attempt\":2", StringComparison.Ordinal) : body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("telnyx-timestamp", ts);
            request.Headers.Add("telnyx-signature-ed25519", Convert.ToBase64String(signature));
            return (await client.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, await Send("message.sent", "tx-1", "sent"));
        Assert.Equal(HttpStatusCode.OK, await Send("message.finalized", "tx-1", "delivered"));
        Assert.Equal(HttpStatusCode.OK, await Send("message.finalized", "tx-1", "delivered"));
        Assert.Equal(HttpStatusCode.OK, await Send("message.finalized", "tx-2", "delivery_failed"));
        Assert.Equal(HttpStatusCode.OK, await Send("message.received", "tx-in-1", "webhook_delivered"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Send("message.finalized", "tx-3", "delivered", tamper: true));
        Assert.Equal(HttpStatusCode.Unauthorized, await Send("message.finalized", "tx-3", "delivered", timestamp: DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600));

        var stats = await account.StatsUntilAsync(IdOf(provider), Today, Today, s => s.Total("replies") >= 1 && s.Total("failed") >= 1 && s.Total("delivered") >= 1);
        Assert.Equal((1, 1, 1, 1), (stats.Total("sent"), stats.Total("delivered"), stats.Total("failed"), stats.Total("replies")));
    }
}
