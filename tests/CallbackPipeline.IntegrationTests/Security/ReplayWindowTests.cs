using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using CallbackPipeline.Core.Generic;
using CallbackPipeline.IntegrationTests.Infrastructure;
using NSec.Cryptography;

namespace CallbackPipeline.IntegrationTests.Security;

/// <summary>
/// The schemes whose signature covers a per-attempt timestamp (docs/providers.md: Standard Webhooks for generic providers with a
/// signing secret, and Telnyx): a correctly signed request outside ±5 minutes is refused and counts nothing; inside
/// the window a replay is accepted and counted once. The other kinds carry no signed timestamp; their replays are
/// harmless because counting is deduplicated (NativeCallbackTests posts every callback twice).
/// </summary>
public sealed class ReplayWindowTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    private static readonly string Today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static readonly TheoryData<string> Schemes = new() { "standard-webhooks", "telnyx" };

    [Theory]
    [MemberData(nameof(Schemes))]
    public async Task ASignedRequestOutsideTheWindow_Is401AndCountsNothing_AReplayInsideItCountsOnce(string scheme)
    {
        var account = await app.CreateAccountAsync();
        var signer = await SignerAsync(scheme, account);
        using var client = app.CreateClient();
        var now = DateTimeOffset.UtcNow;

        async Task<HttpStatusCode> Send(string messageId, DateTimeOffset signedAt)
        {
            using var request = signer.Request(messageId, signedAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
            return (await client.SendAsync(request)).StatusCode;
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await Send("stale-1", now.AddMinutes(-6)));
        Assert.Equal(HttpStatusCode.Unauthorized, await Send("stale-2", now.AddHours(-1)));
        Assert.Equal(HttpStatusCode.Unauthorized, await Send("future-1", now.AddMinutes(6)));
        var inside = now.AddMinutes(-4);
        Assert.Equal(HttpStatusCode.OK, await Send("replayed-1", inside));
        Assert.Equal(HttpStatusCode.OK, await Send("replayed-1", inside));

        // Queue order is FIFO: had a refused request been queued, it would be counted before the accepted ones.
        var stats = await account.StatsUntilAsync(signer.ProviderId, Today, Today, s => s.Total("delivered") >= 1);
        Assert.Equal(1, stats.Total("delivered"));
    }

    private static async Task<Signer> SignerAsync(string scheme, TestAccount account)
    {
        if (scheme == "standard-webhooks")
        {
            var secret = "whsec_" + Convert.ToBase64String(Enumerable.Range(0, 32).Select(i => (byte)(i * 5)).ToArray());
            var provider = await account.CreateProviderAsync(secrets: new { signingSecret = secret });
            return new Signer(provider, (messageId, timestamp) =>
            {
                var body = $$"""[{"event":"delivered","data":[{"ts":{{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}},"meta":"{{messageId}}"}]}]""";
                var request = Post(provider, body);
                var webhookId = "msg_" + messageId;
                request.Headers.Add("webhook-id", webhookId);
                request.Headers.Add("webhook-timestamp", timestamp);
                request.Headers.Add("webhook-signature", StandardWebhookSignature.Signature(secret, webhookId, timestamp, Encoding.UTF8.GetBytes(body)));
                return request;
            });
        }

        // The test key pair of the unit tests' Telnyx vectors: the seed is bytes 0x00..0x1f.
        var telnyx = await account.CreateProviderAsync("telnyx",
            new { from = "+13125550100", publicKey = "A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=" }, new { apiKey = "SECRET-telnyx" });
        return new Signer(telnyx, (messageId, timestamp) =>
        {
            using var key = Key.Import(SignatureAlgorithm.Ed25519, Enumerable.Range(0, 32).Select(i => (byte)i).ToArray(), KeyBlobFormat.RawPrivateKey);
            var occurred = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
            var body = $$$"""{"data":{"event_type":"message.finalized","id":"ev-{{{messageId}}}","occurred_at":"{{{occurred}}}","payload":{"id":"{{{messageId}}}","to":[{"phone_number":"+14155550123","status":"delivered"}]}},"meta":{"attempt":1}}""";
            var request = Post(telnyx, body);
            request.Headers.Add("telnyx-timestamp", timestamp);
            request.Headers.Add("telnyx-signature-ed25519", Convert.ToBase64String(SignatureAlgorithm.Ed25519.Sign(key, Encoding.UTF8.GetBytes($"{timestamp}|{body}"))));
            return request;
        });
    }

    private static HttpRequestMessage Post(JsonObject provider, string body) =>
        new(HttpMethod.Post, new Uri(provider["callbackUrl"]!.GetValue<string>()).PathAndQuery)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };

    /// <summary>Builds a correctly signed request for a message id, signed at the given unix time.</summary>
    private sealed record Signer(JsonObject Provider, Func<string, string, HttpRequestMessage> Request)
    {
        public string ProviderId => Provider["id"]!.GetValue<string>();
    }
}
