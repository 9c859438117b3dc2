using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Core.Forms;
using CallbackPipeline.Core.Twilio;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.IntegrationTests.Providers;
using CallbackPipeline.Storage.Queue;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CallbackPipeline.IntegrationTests.Api;

/// <summary>
/// The OpenAPI document served at <c>/openapi/v1.json</c> against the host itself: the same routes, example requests
/// that are valid, and every answer the host gives (successes and refusals) documented and valid against its schema.
/// </summary>
public sealed class OpenApiDocumentTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    private async Task<ApiDescription> DescriptionAsync()
    {
        using var client = app.CreateClient();
        return new ApiDescription(await client.GetStringAsync("/openapi/v1.json"));
    }

    [Fact]
    public async Task DocumentsEveryRouteTheHostMaps_AndNoOther()
    {
        var description = await DescriptionAsync();
        var mapped = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => $"{m} /{e.RoutePattern.RawText!.Trim('/')}"))
            .ToHashSet(StringComparer.Ordinal);
        var documented = description.Operations.Select(o => o.ToString()).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(mapped.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task DocsApiMd_NamesEveryDocumentedOperation()
    {
        var description = await DescriptionAsync();
        var page = await File.ReadAllTextAsync(Repository.Path("docs/api.md"));
        var missing = description.Operations.Select(o => o.ToString()).Where(o => !page.Contains($"`{o}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"docs/api.md does not name: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task EveryOperation_HasAnExampleRequest_ThatValidatesAgainstItsSchemas()
    {
        var description = await DescriptionAsync();
        foreach (var operation in description.Operations)
        {
            Assert.False(string.IsNullOrEmpty(operation.Node["operationId"]?.GetValue<string>()), $"{operation} has no operationId");
            Assert.False(string.IsNullOrEmpty(operation.Node["summary"]?.GetValue<string>()), $"{operation} has no summary");
            var parameters = (operation.Node["parameters"]?.AsArray() ?? []).Select((p, i) => (Node: Resolve(description, p!), Index: i));
            foreach (var (parameter, index) in parameters.Where(p => p.Node["in"]!.GetValue<string>() is "path" || p.Node["required"]?.GetValue<bool>() == true))
            {
                var pointer = parameter["$pointer"]?.GetValue<string>() ?? $"{operation.Pointer}/parameters/{index}";
                Assert.True(parameter.ContainsKey("example"), $"{operation}: parameter {parameter["name"]} has no example");
                Assert.Empty(description.Problems(parameter["example"], $"{pointer}/schema"));
            }
            if (operation.Node["requestBody"]?["content"] is JsonObject content)
            {
                foreach (var (mediaType, media) in content)
                {
                    Assert.True(media!.AsObject().ContainsKey("example"), $"{operation}: {mediaType} has no example");
                    var problems = description.Problems(media["example"], $"{operation.Pointer}/requestBody/content/{ApiDescription.Escape(mediaType)}/schema");
                    Assert.True(problems.Count == 0, $"{operation} {mediaType} example: {string.Join("; ", problems)}");
                }
            }
        }
    }

    [Fact]
    public async Task EveryAnswerOfTheHost_IsDocumented_AndValidAgainstTheDocument()
    {
        var description = await DescriptionAsync();
        var exchanges = new ConcurrentQueue<Exchange>();
        HttpClient Client(string? key)
        {
            var client = app.CreateDefaultClient(new Recorder(exchanges));
            if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            return client;
        }
        await DriveEveryOperationAsync(Client);

        var failures = new List<string>();
        var succeeded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var exchange in exchanges)
        {
            if (description.Find(exchange.Method, exchange.Path) is not { } operation)
            {
                failures.Add($"{exchange.Method} {exchange.Path}: no such operation");
                continue;
            }
            var status = exchange.Status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (operation.Node["responses"]![status] is not { } documented)
            {
                failures.Add($"{operation}: {status} is not documented ({exchange.Body})");
                continue;
            }
            if (exchange.Status is >= 200 and < 300) succeeded.Add(operation.ToString());
            var pointer = $"{operation.Pointer}/responses/{status}";
            if (documented["$ref"] is { } reference)
            {
                pointer = reference.GetValue<string>()[1..];
                documented = description.Document["components"]!["responses"]![pointer.Split('/')[^1]]!;
            }
            foreach (var (header, spec) in documented["headers"]?.AsObject() ?? [])
            {
                var resolved = spec!["$ref"] is { } headerRef ? description.Document["components"]!["headers"]![headerRef.GetValue<string>().Split('/')[^1]]! : spec;
                var required = resolved["required"]?.GetValue<bool>() ?? false;
                if (required && !exchange.Headers.ContainsKey(header)) failures.Add($"{operation} {status}: no {header} header");
            }
            if (exchange.Body.Length == 0) continue;
            var mediaType = exchange.ContentType ?? "";
            if (documented["content"]?[mediaType] is null)
            {
                failures.Add($"{operation} {status}: answered {mediaType}, documented {string.Join(", ", documented["content"]?.AsObject().Select(c => c.Key) ?? [])}");
                continue;
            }
            if (!mediaType.EndsWith("json", StringComparison.Ordinal)) continue;
            var problems = description.Problems(JsonNode.Parse(exchange.Body), $"{pointer}/content/{ApiDescription.Escape(mediaType)}/schema");
            failures.AddRange(problems.Select(p => $"{operation} {status}: {p}"));
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
        var neverSucceeded = description.Operations.Select(o => o.ToString()).Where(o => !succeeded.Contains(o)).ToList();
        Assert.True(neverSucceeded.Count == 0, $"never answered 2xx: {string.Join(", ", neverSucceeded)}");
    }

    private static JsonObject Resolve(ApiDescription description, JsonNode node)
    {
        if (node["$ref"] is not { } reference) return node.AsObject();
        var pointer = reference.GetValue<string>()[1..];
        var resolved = description.Document["components"]!["parameters"]![pointer.Split('/')[^1]]!.DeepClone().AsObject();
        resolved["$pointer"] = pointer;
        return resolved;
    }

    /// <summary>Every operation once or more, with the refusals a client meets: what the document must describe.</summary>
    private async Task DriveEveryOperationAsync(Func<string?, HttpClient> client)
    {
        using var anonymous = client(null);
        using var op = client(PipelineApp.OperatorKey);
        foreach (var path in new[] { "/healthz", "/readyz", "/metrics", "/openapi/v1.json" }) await anonymous.GetAsync(path);

        var account = (await Json(await op.PostAsJsonAsync("/v1/accounts", new { name = "documented", timeZone = "Asia/Kolkata" })))["id"]!.GetValue<string>();
        await op.PostAsJsonAsync("/v1/accounts", new { name = "", timeZone = "Mars/Olympus" });
        await anonymous.PostAsJsonAsync("/v1/accounts", new { name = "x", timeZone = "UTC" });
        await op.PostAsync("/v1/accounts", new StringContent("{not json", Encoding.UTF8, "application/json"));
        await op.PostAsync("/v1/accounts", new StringContent("name=x", Encoding.UTF8, "text/plain"));
        await op.GetAsync("/v1/accounts");
        await op.GetAsync($"/v1/accounts/{account}");
        await op.GetAsync("/v1/accounts/acc_nosuchaccount");
        await op.PatchAsJsonAsync($"/v1/accounts/{account}", new { timeZone = "UTC" });
        await op.PatchAsJsonAsync($"/v1/accounts/{account}", new { timeZone = "Nowhere/Else" });
        var adminKey = (await Json(await op.PostAsJsonAsync($"/v1/accounts/{account}/keys", new { name = "admin", role = "admin" })))["key"]!.GetValue<string>();
        var readKey = (await Json(await op.PostAsJsonAsync($"/v1/accounts/{account}/keys", new { name = "read", role = "read" })))["key"]!.GetValue<string>();
        var spare = (await Json(await op.PostAsJsonAsync($"/v1/accounts/{account}/keys", new { name = "spare", role = "read" })))["id"]!.GetValue<string>();
        await op.PostAsJsonAsync($"/v1/accounts/{account}/keys", new { name = "bad", role = "owner" });
        await op.GetAsync($"/v1/accounts/{account}/keys");
        await op.DeleteAsync($"/v1/accounts/{account}/keys/{spare}");
        await op.DeleteAsync($"/v1/accounts/{account}/keys/key_nosuchkey");

        using var admin = client(adminKey);
        using var reader = client(readKey);
        await admin.GetAsync("/v1/me");
        await admin.GetAsync("/v1/accounts");
        await op.GetAsync("/v1/me");
        var generic = await Json(await admin.PostAsJsonAsync("/v1/providers", new { name = "Generic", kind = "generic" }));
        var (twilioSettings, twilioSecrets) = ProviderKinds.Valid("twilio");
        var twilio = await Json(await admin.PostAsJsonAsync("/v1/providers", new { name = "Twilio", kind = "twilio", settings = twilioSettings, secrets = twilioSecrets }));
        var vonage = await Json(await admin.PostAsJsonAsync("/v1/providers", new { name = "Vonage", kind = "vonage", settings = new { apiKey = "abcd1234", from = "Acme" }, secrets = new { apiSecret = "s" } }));
        await admin.PostAsJsonAsync("/v1/providers", new { name = "Bad", kind = "twilio", settings = new { accountSid = "nope" } });
        await reader.PostAsJsonAsync("/v1/providers", new { name = "Read", kind = "generic" });
        var id = generic["id"]!.GetValue<string>();
        await reader.GetAsync("/v1/providers");
        await reader.GetAsync($"/v1/providers/{id}");
        await reader.GetAsync("/v1/providers/prv_nosuchprovider");
        await admin.PutAsJsonAsync($"/v1/providers/{id}/settings", new { name = "Generic renamed", settings = new { sendMethod = "POST" } });
        await admin.PutAsJsonAsync($"/v1/providers/{id}/settings", new { settings = new { sendMethod = "PATCH" } });
        await admin.PostAsJsonAsync($"/v1/providers/{id}/test-sms", new { to = "+15005550006", body = "hi" });
        await admin.PutAsJsonAsync($"/v1/providers/{id}/settings", new { settings = new { sendUrl = "http://127.0.0.1:9/send" } });
        await admin.PostAsJsonAsync($"/v1/providers/{id}/test-sms", new { to = "+15005550006", body = "hi" });

        await admin.PostAsJsonAsync("/v1/events", new { events = new[] { new { providerId = id, messageId = "m1", type = "sent", to = "+919812345678" } } });
        await admin.PostAsJsonAsync("/v1/events", new { events = new object[] { new { providerId = id, messageId = "m3", type = "failed", errorCode = 30007, country = "BR" } } });
        await admin.PostAsJsonAsync("/v1/events", new { events = new[] { new { providerId = id, messageId = "m4", type = "sent", country = "Brazil" } } });
        await admin.PostAsJsonAsync("/v1/events", new { events = new[] { new { providerId = "prv_nosuchprovider", messageId = "m1", type = "sent" } } });
        await admin.PostAsJsonAsync("/v1/events", new { events = Array.Empty<object>() });
        await admin.PostAsync("/v1/events", new StringContent("{}", Encoding.UTF8, "text/plain"));
        await reader.PostAsJsonAsync("/v1/events", new { events = new[] { new { providerId = id, messageId = "m1", type = "sent" } } });

        var ts = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var callbackPath = new Uri(generic["callbackUrl"]!.GetValue<string>()).PathAndQuery;
        await anonymous.PostAsync(callbackPath, new StringContent($$"""[{"event":"delivered","data":[{"ts":{{ts}},"meta":"m1"}]}]""", Encoding.UTF8, "application/json"));
        await anonymous.PostAsync(callbackPath, new StringContent($$"""[{"event":"delivered","data":[{"ts":{{ts}},"meta":"m2"},{"ts":{{ts}}}]}]""", Encoding.UTF8, "application/json"));
        await anonymous.PostAsync(callbackPath, new StringContent("[{", Encoding.UTF8, "application/json"));
        await anonymous.PostAsync(callbackPath, new StringContent("[]", Encoding.UTF8, "text/plain"));
        await anonymous.PostAsync($"/v1/callbacks/{id}?token=wrong-wrong-wrong-wrong-wrong", new StringContent("[]", Encoding.UTF8, "application/json"));
        await anonymous.PostAsync("/v1/callbacks/prv_nosuchprovider", new StringContent("[]", Encoding.UTF8, "application/json"));
        var twilioId = twilio["id"]!.GetValue<string>();
        var form = "MessageSid=SM1&MessageStatus=delivered&To=%2B15005550006";
        using (var signed = new HttpRequestMessage(HttpMethod.Post, $"/v1/callbacks/{twilioId}") { Content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded") })
        {
            signed.Headers.Add("X-Twilio-Signature", Convert.ToBase64String(TwilioSignature.Compute("SECRET-twilio-auth-token", $"https://callbacks.example.test/v1/callbacks/{twilioId}", FormFields.Parse(form))));
            await anonymous.SendAsync(signed);
        }
        var vonageUrl = new Uri(vonage["callbackUrl"]!.GetValue<string>()).PathAndQuery;
        await anonymous.GetAsync($"{vonageUrl}&messageId=0A01&msisdn=447700900000&status=delivered&err-code=0");

        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var stats = await reader.GetAsync($"/v1/providers/{id}/stats?from={today}&to={today}");
        using (var again = new HttpRequestMessage(HttpMethod.Get, $"/v1/providers/{id}/stats?from={today}&to={today}"))
        {
            again.Headers.TryAddWithoutValidation("If-None-Match", stats.Headers.ETag!.Tag);
            await reader.SendAsync(again);
        }
        await reader.GetAsync($"/v1/providers/{id}/stats?from=2026-13-01");
        foreach (var insight in new[] { "failures", "latency", "countries" })
        {
            var answer = await reader.GetAsync($"/v1/providers/{id}/stats/{insight}?from={today}&to={today}");
            using var again = new HttpRequestMessage(HttpMethod.Get, $"/v1/providers/{id}/stats/{insight}?from={today}&to={today}");
            again.Headers.TryAddWithoutValidation("If-None-Match", answer.Headers.ETag!.Tag);
            await reader.SendAsync(again);
            await reader.GetAsync($"/v1/providers/{id}/stats/{insight}?from=2026-11-10&to=2026-11-01");
            await reader.GetAsync($"/v1/providers/prv_nosuchprovider/stats/{insight}");
        }
        await reader.GetAsync("/v1/providers/prv_nosuchprovider/stats");
        var overview = await reader.GetAsync("/v1/stats");
        using (var again = new HttpRequestMessage(HttpMethod.Get, "/v1/stats"))
        {
            again.Headers.TryAddWithoutValidation("If-None-Match", overview.Headers.ETag!.Tag);
            await reader.SendAsync(again);
        }
        await reader.GetAsync("/v1/stats?from=2026-11-10&to=2026-11-01");

        var now = DateTimeOffset.UtcNow;
        await app.Services.GetRequiredService<IEventQueue>().DeadLetterAsync(new QueueDelivery("0-7", null, null, 1, QueuePayload.Write(
            [new CallbackEvent(id, EventKind.Sent, "dead-1", null, now.ToUnixTimeSeconds(), DateOnly.FromDateTime(now.UtcDateTime))])), "documented", CancellationToken.None);
        var letters = (await Json(await op.GetAsync("/v1/admin/dead-letters?count=1000"))).Root.AsArray();
        var letter = letters.First(l => l!["messageId"]?.GetValue<string>() == "0-7")!["id"]!.GetValue<string>();
        await op.PostAsync($"/v1/admin/dead-letters/{letter}/replay", null);
        await op.PostAsync($"/v1/admin/dead-letters/{letter}/replay", null);
        await admin.GetAsync("/v1/admin/dead-letters");
        await op.GetAsync($"/v1/admin/providers/{id}/recount");
        await op.GetAsync("/v1/admin/providers/prv_nosuchprovider/recount");

        await admin.PostAsync($"/v1/providers/{id}/default", null);
        await admin.PostAsync($"/v1/providers/{id}/archive", null);
        await admin.PostAsync($"/v1/providers/{id}/archive", null);
        await admin.PostAsync($"/v1/providers/{id}/default", null);
        await admin.PutAsJsonAsync($"/v1/providers/{id}/settings", new { name = "too late" });
        await admin.PostAsJsonAsync($"/v1/providers/{id}/test-sms", new { to = "+15005550006", body = "hi" });
        await admin.PostAsJsonAsync("/v1/events", new { events = new[] { new { providerId = id, messageId = "m9", type = "sent" } } });
        await reader.DeleteAsync($"/v1/providers/{id}");
        await admin.DeleteAsync($"/v1/providers/{id}");
        await admin.DeleteAsync($"/v1/providers/{id}");
    }

    private static async Task<JsonNode> Json(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync()) ?? throw new InvalidOperationException("An empty answer.");

    private sealed record Exchange(string Method, string Path, int Status, string? ContentType, string Body, IReadOnlyDictionary<string, string> Headers);

    /// <summary>Keeps every request and answer that passes through the client.</summary>
    private sealed class Recorder(ConcurrentQueue<Exchange> exchanges) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
            exchanges.Enqueue(new Exchange(request.Method.Method, request.RequestUri!.AbsolutePath, (int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, body, headers));
            return response;
        }
    }
}
