using System.Net;
using System.Net.Http.Json;
using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Providers;

/// <summary>The order of checks of docs/api.md over every account route: 401, then 404 outside the account, then 403 for the role.</summary>
public sealed class AccessMatrixTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    private static readonly (string Method, string Path, bool AdminOnly)[] Routes =
    [
        ("GET", "/v1/providers", false),
        ("GET", "/v1/providers/{id}", false),
        ("GET", "/v1/providers/{id}/stats", false),
        ("GET", "/v1/stats", false),
        ("POST", "/v1/providers", true),
        ("PUT", "/v1/providers/{id}/settings", true),
        ("POST", "/v1/providers/{id}/default", true),
        ("POST", "/v1/providers/{id}/archive", true),
        ("DELETE", "/v1/providers/{id}", true),
        ("POST", "/v1/events", true),
    ];

    [Fact]
    public async Task EveryRoute_AnswersByKeyAndRole()
    {
        var account = await app.CreateAccountAsync();
        var results = new List<string>();
        foreach (var (method, path, adminOnly) in Routes)
        {
            var id = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
            using var none = app.ClientWithKey(null);
            using var op = app.Operator();
            using var reader = account.Reader();
            using var admin = account.Admin();

            Expect(results, method, path, "none", HttpStatusCode.Unauthorized, await SendAsync(none, method, path, id));
            Expect(results, method, path, "operator", HttpStatusCode.Forbidden, await SendAsync(op, method, path, id));
            var readStatus = await SendAsync(reader, method, path, id);
            Expect(results, method, path, "read", adminOnly ? HttpStatusCode.Forbidden : HttpStatusCode.OK, readStatus);
            var adminStatus = await SendAsync(admin, method, path, id);
            if ((int)adminStatus is < 200 or > 299) results.Add($"{method} {path} admin: {(int)adminStatus}");
        }
        Assert.Empty(results);
    }

    [Fact]
    public async Task AnotherAccountsProvider_Is404ForEveryRoleAndRoute()
    {
        var owner = await app.CreateAccountAsync();
        var stranger = await app.CreateAccountAsync();
        var id = (await owner.CreateProviderAsync())["id"]!.GetValue<string>();
        var results = new List<string>();
        foreach (var (method, path, _) in Routes.Where(r => r.Path.Contains("{id}")))
        {
            using var admin = stranger.Admin();
            using var reader = stranger.Reader();
            Expect(results, method, path, "other admin", HttpStatusCode.NotFound, await SendAsync(admin, method, path, id));
            Expect(results, method, path, "other read", HttpStatusCode.NotFound, await SendAsync(reader, method, path, id));
        }
        using (var admin = stranger.Admin())
        {
            var events = await admin.PostAsJsonAsync("/v1/events", new { events = new[] { new { providerId = id, messageId = "m", type = "sent" } } });
            Expect(results, "POST", "/v1/events", "other admin", HttpStatusCode.NotFound, events.StatusCode);
        }
        Assert.Empty(results);
        using var ownerClient = owner.Reader();
        Assert.Equal(HttpStatusCode.OK, (await ownerClient.GetAsync($"/v1/providers/{id}")).StatusCode);
    }

    /// <summary>
    /// The key is checked before the body is read: without a valid key, malformed JSON, a wrong content type or an
    /// oversized body is still 401 (and an account key on an operator route 403), on every route that takes a body.
    /// </summary>
    [Theory]
    [InlineData("application/json", "{not json", 10)]
    [InlineData("text/plain", "hello", 10)]
    [InlineData("application/json", "", 2_000_000)]
    public async Task WithoutAValidKey_ABadBodyIsStill401(string contentType, string text, int size)
    {
        var account = await app.CreateAccountAsync();
        var id = (await account.CreateProviderAsync())["id"]!.GetValue<string>();
        (string Method, string Path)[] routes =
        [
            ("POST", "/v1/accounts"), ("PATCH", $"/v1/accounts/{account.Id}"), ("POST", $"/v1/accounts/{account.Id}/keys"),
            ("POST", "/v1/providers"), ("PUT", $"/v1/providers/{id}/settings"), ("POST", $"/v1/providers/{id}/test-sms"), ("POST", "/v1/events"),
        ];
        var body = text.Length > 0 ? text : new string('x', size);
        var results = new List<string>();
        foreach (var (method, path) in routes)
        {
            using var none = app.ClientWithKey(null);
            using var wrong = app.ClientWithKey("cbp_not-a-key-of-anyone-0123456789abcdef");
            foreach (var (who, client) in new[] { ("none", none), ("wrong", wrong) })
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, null, contentType) };
                Expect(results, method, path, who, HttpStatusCode.Unauthorized, (await client.SendAsync(request)).StatusCode);
            }
            if (path.StartsWith("/v1/accounts", StringComparison.Ordinal))
            {
                using var reader = account.Reader();
                using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent(body, null, contentType) };
                Expect(results, method, path, "account key", HttpStatusCode.Forbidden, (await reader.SendAsync(request)).StatusCode);
            }
        }
        Assert.Empty(results);
    }

    [Theory]
    [InlineData("application/json", "{not json", HttpStatusCode.BadRequest)]
    [InlineData("text/plain", "{}", HttpStatusCode.UnsupportedMediaType)]
    public async Task WithAValidKey_TheBodyIsJudgedAfterIt(string contentType, string body, HttpStatusCode expected)
    {
        var account = await app.CreateAccountAsync();
        using var admin = account.Admin();

        var response = await admin.PostAsync("/v1/providers", new StringContent(body, null, contentType));

        Assert.Equal(expected, response.StatusCode);
    }

    private static void Expect(List<string> results, string method, string path, string who, HttpStatusCode expected, HttpStatusCode actual)
    {
        if (expected != actual) results.Add($"{method} {path} {who}: expected {(int)expected}, got {(int)actual}");
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, string method, string path, string id)
    {
        var url = path.Replace("{id}", id, StringComparison.Ordinal);
        HttpContent? body = (method, path) switch
        {
            ("POST", "/v1/providers") => JsonContent.Create(new { name = "new", kind = "generic", settings = new { }, secrets = new { } }),
            ("PUT", _) => JsonContent.Create(new { name = "renamed" }),
            ("POST", "/v1/events") => JsonContent.Create(new { events = new[] { new { providerId = id, messageId = "m1", type = "sent" } } }),
            _ => null,
        };
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = body };
        return (await client.SendAsync(request)).StatusCode;
    }
}
