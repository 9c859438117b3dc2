using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CallbackPipeline.Load;

/// <summary>The pipeline under test, and the account, keys and providers a run creates on it.</summary>
public sealed class Target(HttpClient http)
{
    public HttpClient Http { get; } = http;

    public string AdminKey { get; private set; } = "";

    public string ReadKey { get; private set; } = "";

    public List<LoadProvider> Providers { get; } = [];

    /// <summary>A generic provider only the freshness scenario posts to, so its counts move only with the probe.</summary>
    public LoadProvider? Probe { get; private set; }

    public IEnumerable<LoadProvider> AllProviders => Probe is null ? Providers : [.. Providers, Probe];

    /// <summary>The account's reporting zone, whose calendar days the events count on.</summary>
    public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;

    public static HttpClient Client(Uri baseAddress) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 512,
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        EnableMultipleHttp2Connections = false,
    })
    { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>
    /// An account with an admin and a read key, and the providers <paramref name="setup"/> asks for, created through
    /// the API <paramref name="concurrency"/> at a time (in the setup's order).
    /// </summary>
    public async Task SetUpAsync(string operatorKey, SetupSpec setup, string runId, bool withProbe, int concurrency = 16)
    {
        var account = await SendAsync(HttpMethod.Post, "/v1/accounts", operatorKey, new { name = $"load-{runId}", timeZone = setup.TimeZone });
        Zone = TimeZoneInfo.FindSystemTimeZoneById(setup.TimeZone);
        var accountId = account["id"]!.GetValue<string>();
        AdminKey = (await SendAsync(HttpMethod.Post, $"/v1/accounts/{accountId}/keys", operatorKey, new { name = "load-admin", role = "admin" }))["key"]!.GetValue<string>();
        ReadKey = (await SendAsync(HttpMethod.Post, $"/v1/accounts/{accountId}/keys", operatorKey, new { name = "load-read", role = "read" }))["key"]!.GetValue<string>();
        foreach (var (kind, count) in setup.Providers.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var created = new LoadProvider[count];
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, _) =>
            {
                var authToken = $"load-twilio-token-{runId}-{i}";
                object body = kind switch
                {
                    "generic" => new { name = $"generic-{i}", kind, settings = new { }, secrets = new { } },
                    "twilio" => new { name = $"twilio-{i}", kind, settings = new { accountSid = "AC" + new string('0', 32), from = "+15005550006" }, secrets = new { authToken } },
                    _ => throw new InvalidOperationException($"The harness does not generate {kind} callbacks yet."),
                };
                var provider = await SendAsync(HttpMethod.Post, "/v1/providers", AdminKey, body);
                created[i] = new LoadProvider(provider["id"]!.GetValue<string>(), kind, provider["callbackUrl"]!.GetValue<string>(), authToken);
            });
            Providers.AddRange(created);
        }
        if (withProbe)
        {
            var probe = await SendAsync(HttpMethod.Post, "/v1/providers", AdminKey, new { name = "freshness-probe", kind = "generic", settings = new { }, secrets = new { } });
            Probe = new LoadProvider(probe["id"]!.GetValue<string>(), "generic", probe["callbackUrl"]!.GetValue<string>(), "");
        }
    }

    public async Task<JsonObject> SendAsync(HttpMethod method, string path, string key, object? body = null) =>
        (await SendWithLinkAsync(method, path, key, body)).Body;

    /// <summary>The overview's providers over every page (the host pages them: docs/api.md, "Paging").</summary>
    public async Task<List<JsonNode>> OverviewProvidersAsync(string path, string key)
    {
        var providers = new List<JsonNode>();
        for (string? next = $"{path}&limit=500"; next is not null;)
        {
            var (body, link) = await SendWithLinkAsync(HttpMethod.Get, next, key);
            providers.AddRange(body["providers"]!.AsArray().Select(p => p!));
            next = link is null ? null : link[1..link.IndexOf('>', StringComparison.Ordinal)];
        }
        return providers;
    }

    private async Task<(JsonObject Body, string? Link)> SendWithLinkAsync(HttpMethod method, string path, string key, object? body = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        var link = response.Headers.TryGetValues("Link", out var links) ? links.Single() : null;
        return (JsonNode.Parse(text)!.AsObject(), link);
    }
}

/// <param name="Id">The provider id.</param>
/// <param name="Kind"><c>generic</c> or <c>twilio</c>.</param>
/// <param name="CallbackUrl">As the API gave it (with the token for token-authenticated kinds): what signatures cover.</param>
/// <param name="AuthToken">Twilio's signing token.</param>
public sealed record LoadProvider(string Id, string Kind, string CallbackUrl, string AuthToken);
