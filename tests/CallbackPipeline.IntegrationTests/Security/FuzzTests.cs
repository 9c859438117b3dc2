using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.IntegrationTests.Providers;
using Xunit.Abstractions;

namespace CallbackPipeline.IntegrationTests.Security;

/// <summary>
/// A seeded, reproducible corpus of hostile requests against every callback kind and the management API.
/// Whatever arrives: no 5xx, and nothing is counted.
/// </summary>
public sealed class FuzzTests(PipelineApp app, ITestOutputHelper output) : IClassFixture<PipelineApp>
{
    private const int Seed = 20261127;
    private const int CasesPerKind = 120;

    private static readonly string[] ContentTypes =
        ["application/json", "application/x-www-form-urlencoded", "text/plain", "application/xml", "multipart/form-data; boundary=x", "application/json; charset=latin1", ""];

    [Fact]
    public async Task HostileCallbacks_NeverGet5xx_AndCountNothing()
    {
        var random = new Random(Seed);
        var account = await app.CreateAccountAsync();
        var outcomes = new SortedDictionary<int, int>();
        var ids = new List<string>();
        using var client = app.CreateClient();
        foreach (var kind in ProviderKinds.Names)
        {
            var (settings, secrets) = ProviderKinds.Valid(kind);
            var provider = await account.CreateProviderAsync(kind, settings, secrets);
            ids.Add(provider["id"]!.GetValue<string>());
            var path = new Uri(provider["callbackUrl"]!.GetValue<string>()).PathAndQuery;
            for (var i = 0; i < CasesPerKind; i++)
            {
                using var request = HostileCallback(random, path);
                var status = (int)(await client.SendAsync(request)).StatusCode;
                outcomes[status] = outcomes.GetValueOrDefault(status) + 1;
            }
        }

        output.WriteLine($"seed {Seed}: {ProviderKinds.Names.Length * CasesPerKind} callbacks; " + string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}")));
        Assert.DoesNotContain(outcomes.Keys, status => status >= 500);
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        using var reader = account.Reader();
        await Task.Delay(500);
        var stats = JsonNode.Parse(await reader.GetStringAsync($"/v1/stats?from={DateTime.UtcNow.AddDays(-365):yyyy-MM-dd}&to={today}"))!;
        Assert.All(new[] { "sent", "delivered", "failed", "clicks", "clicked", "replies" }, c => Assert.Equal(0, stats["totals"]![c]!.GetValue<long>()));
    }

    [Fact]
    public async Task HostileManagementRequests_NeverGet5xx()
    {
        var random = new Random(Seed + 1);
        var account = await app.CreateAccountAsync();
        var id = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
        var outcomes = new SortedDictionary<int, int>();
        using var admin = account.Admin();
        using var op = app.Operator();
        (HttpClient Client, HttpMethod Method, string Path)[] routes =
        [
            (admin, HttpMethod.Post, "/v1/providers"), (admin, HttpMethod.Put, $"/v1/providers/{id}/settings"),
            (admin, HttpMethod.Post, "/v1/events"), (admin, HttpMethod.Post, $"/v1/providers/{id}/test-sms"),
            (admin, HttpMethod.Get, $"/v1/providers/{id}/stats?from={Garbage(random)}&to={Garbage(random)}"),
            (op, HttpMethod.Post, "/v1/accounts"), (op, HttpMethod.Patch, $"/v1/accounts/{account.Id}"),
            (op, HttpMethod.Post, $"/v1/accounts/{account.Id}/keys"),
        ];
        foreach (var (client, method, path) in routes)
        {
            for (var i = 0; i < 60; i++)
            {
                using var request = new HttpRequestMessage(method, path) { Content = HostileBody(random) };
                var status = (int)(await client.SendAsync(request)).StatusCode;
                outcomes[status] = outcomes.GetValueOrDefault(status) + 1;
            }
        }

        output.WriteLine($"seed {Seed + 1}: {routes.Length * 60} management requests; " + string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}")));
        Assert.DoesNotContain(outcomes.Keys, status => status >= 500);
    }

    private static HttpRequestMessage HostileCallback(Random random, string path)
    {
        var method = random.Next(5) == 0 ? HttpMethod.Get : HttpMethod.Post;
        // Half the cases keep the URL token, so the body parsers are reached, not only authentication.
        var target = random.Next(2) == 0 ? path : path.Split('?')[0] + "?" + Garbage(random);
        var request = new HttpRequestMessage(method, target);
        if (method == HttpMethod.Post) request.Content = HostileBody(random);
        if (random.Next(3) == 0) request.Headers.TryAddWithoutValidation("X-Twilio-Signature", Garbage(random));
        if (random.Next(3) == 0) request.Headers.TryAddWithoutValidation("X-Plivo-Signature-V3", Garbage(random) + "," + Garbage(random));
        if (random.Next(3) == 0) request.Headers.TryAddWithoutValidation("X-Plivo-Signature-V3-Nonce", Garbage(random));
        if (random.Next(3) == 0) request.Headers.TryAddWithoutValidation("telnyx-timestamp", random.Next(2) == 0 ? DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : Garbage(random));
        if (random.Next(3) == 0) request.Headers.TryAddWithoutValidation("telnyx-signature-ed25519", Convert.ToBase64String(Bytes(random, random.Next(0, 80))));
        if (random.Next(4) == 0) request.Headers.TryAddWithoutValidation("webhook-signature", "v1," + Convert.ToBase64String(Bytes(random, 32)));
        return request;
    }

    /// <summary>Malformed JSON and forms, invalid UTF-8, huge numbers, deep nesting, duplicate keys, oversized bodies.</summary>
    private static HttpContent HostileBody(Random random)
    {
        byte[] body = random.Next(12) switch
        {
            0 => Bytes(random, random.Next(0, 2000)),
            1 => Encoding.UTF8.GetBytes(new string('[', random.Next(1, 5000))),
            2 => Encoding.UTF8.GetBytes("""[{"event":"delivered","data":[{"ts":1e999999,"meta":99999999999999999999999999999}]}]"""),
            3 => Encoding.UTF8.GetBytes("""{"events":[{"providerId":"x","providerId":"y","messageId":"m","type":"sent","type":"failed"}],"events":null}"""),
            4 => [0xC3, 0x28, 0xA0, 0xA1, 0xE2, 0x28, 0xA1, (byte)'[', (byte)']'],
            5 => Encoding.UTF8.GetBytes("MessageSid=%ZZ&MessageStatus=%&%%%=&=&" + Garbage(random)),
            6 => new byte[1024 * 1024 + random.Next(1, 1000)],
            7 => Encoding.UTF8.GetBytes("""{"results":[{"messageId":{"$ne":1},"status":[[[[]]]],"doneAt":"9999-99-99T99:99:99+9999"}]}"""),
            8 => Encoding.UTF8.GetBytes("""{"data":{"event_type":null,"payload":{"id":""},"occurred_at":"not a date"}}"""),
            9 => Encoding.UTF8.GetBytes("""{"name":"x\u0000\r\nSet-Cookie: a=b","kind":"generic","settings":{"sendUrl":"javascript:alert(1)"},"secrets":[],"timeZone":"../../etc/passwd","role":"admin\n"}"""),
            10 => Encoding.UTF8.GetBytes("""{"to":"+1"+"","body":null,"rotate":["callbackToken","callbackToken",null],"settings":null,"deliveryCallbacks":"yes"}"""),
            _ => Encoding.UTF8.GetBytes(Garbage(random)),
        };
        var content = new ByteArrayContent(body);
        var type = ContentTypes[random.Next(ContentTypes.Length)];
        if (type.Length > 0) content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
        return content;
    }

    private static string Garbage(Random random)
    {
        const string alphabet = "abcXYZ019=&%+?#/\\\"'{}[]<>;: \t\u00e9\u4e2d";
        return new string(Enumerable.Range(0, random.Next(0, 60)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
    }

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
