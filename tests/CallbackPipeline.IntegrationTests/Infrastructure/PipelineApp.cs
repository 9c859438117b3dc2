using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace CallbackPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// The whole pipeline (role all) in process, against the real Redis and a PostgreSQL database of its own, with a
/// key prefix of its own. Log lines are captured so tests can prove what never appears in them.
/// </summary>
public class PipelineApp : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string OperatorKey = "test-operator-key-0123456789abcdef";

    private TestDatabase? database;

    public string KeyPrefix { get; } = $"t{Guid.NewGuid():N}";

    public FakeLogCollector Logs => Services.GetRequiredService<FakeLogCollector>();

    /// <summary>Settings a subclass adds or overrides.</summary>
    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected virtual void ConfigureTestServices(IServiceCollection services)
    {
    }

    public virtual async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        StartServer();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        if (database is not null) await database.DisposeAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = TestServers.Redis,
            ["ConnectionStrings:postgres"] = database!.ConnectionString,
            ["Redis:KeyPrefix"] = KeyPrefix,
            ["Auth:OperatorKey"] = OperatorKey,
            ["Callbacks:PublicBaseUrl"] = "https://callbacks.example.test",
            ["Flush:Interval"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Debug",
        };
        foreach (var (key, value) in Settings) settings[key] = value;
        foreach (var (key, value) in settings) builder.UseSetting(key, value);
        builder.ConfigureTestServices(services =>
        {
            services.AddFakeLogging(o => o.CollectRecordsForDisabledLogLevels = false);
            ConfigureTestServices(services);
        });
    }

    public HttpClient ClientWithKey(string? key)
    {
        var client = CreateClient();
        if (key is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public HttpClient Operator() => ClientWithKey(OperatorKey);

    /// <summary>A new account with an admin key and a read key.</summary>
    public async Task<TestAccount> CreateAccountAsync(string timeZone = "UTC")
    {
        using var op = Operator();
        var account = await ReadAsync(await op.PostAsJsonAsync("/v1/accounts", new { name = "acct", timeZone }));
        var id = account["id"]!.GetValue<string>();
        var admin = await ReadAsync(await op.PostAsJsonAsync($"/v1/accounts/{id}/keys", new { name = "admin", role = "admin" }));
        var read = await ReadAsync(await op.PostAsJsonAsync($"/v1/accounts/{id}/keys", new { name = "dashboard", role = "read" }));
        return new TestAccount(this, id, admin["key"]!.GetValue<string>(), read["key"]!.GetValue<string>());
    }

    public static async Task<JsonObject> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }
}
