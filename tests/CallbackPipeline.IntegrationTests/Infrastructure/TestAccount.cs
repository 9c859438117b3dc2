using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace CallbackPipeline.IntegrationTests.Infrastructure;

/// <summary>An account of a test, with clients for its admin and read keys.</summary>
public sealed record TestAccount(PipelineApp App, string Id, string AdminKey, string ReadKey)
{
    public HttpClient Admin() => App.ClientWithKey(AdminKey);

    public HttpClient Reader() => App.ClientWithKey(ReadKey);

    public async Task<JsonObject> CreateProviderAsync(string kind = "generic", object? settings = null, object? secrets = null, bool deliveryCallbacks = true, string name = "provider")
    {
        using var admin = Admin();
        return await PipelineApp.ReadAsync(await admin.PostAsJsonAsync("/v1/providers", new
        {
            name,
            kind,
            settings = settings ?? new { },
            secrets = secrets ?? new { },
            deliveryCallbacks,
        }));
    }

    /// <summary>Posts a generic callback body to the provider's callback URL (with its token).</summary>
    public async Task<HttpResponseMessage> PostCallbackAsync(JsonObject provider, string json)
    {
        using var client = App.CreateClient();
        var url = new Uri(provider["callbackUrl"]!.GetValue<string>()).PathAndQuery;
        return await client.PostAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));
    }

    /// <summary>
    /// Posts the callback again until it is answered 200, as a provider retries: only a 503 is retried, for up to 30 s.
    /// </summary>
    public async Task PostCallbackUntilAcceptedAsync(JsonObject provider, string json)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var response = await PostCallbackAsync(provider, json);
            if (response.StatusCode == HttpStatusCode.OK) return;
            if (response.StatusCode != HttpStatusCode.ServiceUnavailable || DateTime.UtcNow > until)
            {
                throw new HttpRequestException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            await Task.Delay(50);
        }
    }

    public async Task<HttpResponseMessage> PostEventsAsync(params object[] events)
    {
        using var admin = Admin();
        return await admin.PostAsJsonAsync("/v1/events", new { events });
    }

    public async Task<JsonObject> StatsAsync(string providerId, string from, string to)
    {
        using var reader = Reader();
        return await PipelineApp.ReadAsync(await reader.GetAsync($"/v1/providers/{providerId}/stats?from={from}&to={to}"));
    }
}
