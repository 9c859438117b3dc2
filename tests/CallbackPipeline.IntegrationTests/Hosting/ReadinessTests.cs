using System.Net;
using System.Text.Json.Nodes;
using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Hosting;

public sealed class ReadinessTests(PipelineApp app) : IClassFixture<PipelineApp>
{
    [Fact]
    public async Task Readyz_Answers200Ready_WhenRedisAndPostgresAreUp()
    {
        using var client = app.CreateClient();
        var response = await client.GetAsync("/readyz");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready", body["status"]!.GetValue<string>());
        Assert.Equal("up", body["checks"]!["redis"]!.GetValue<string>());
        Assert.Equal("up", body["checks"]!["postgres"]!.GetValue<string>());
    }

    [Fact]
    public async Task Healthz_Answers200_WhileTheProcessIsAlive()
    {
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task OpenApiDocument_CoversTheRoutes()
    {
        using var client = app.CreateClient();
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();

        string[] routes =
        [
            "/v1/accounts", "/v1/accounts/{accountId}", "/v1/accounts/{accountId}/keys", "/v1/accounts/{accountId}/keys/{keyId}",
            "/v1/providers", "/v1/providers/{id}", "/v1/providers/{id}/settings", "/v1/providers/{id}/default",
            "/v1/providers/{id}/archive", "/v1/providers/{id}/stats", "/v1/stats", "/v1/events", "/v1/callbacks/{providerId}",
        ];
        Assert.All(routes, route => Assert.Contains(route, paths));
    }
}

public sealed class RedisDownApp : PipelineApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        // Port 1 on loopback: nothing listens there.
        ["ConnectionStrings:redis"] = "127.0.0.1:1,connectTimeout=500",
    };
}

public sealed class ReadinessWithRedisDownTests(RedisDownApp app) : IClassFixture<RedisDownApp>
{
    [Fact]
    public async Task Readyz_Answers503NamingRedis_WhenRedisIsUnreachable()
    {
        using var client = app.CreateClient();
        var response = await client.GetAsync("/readyz");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("unready", body["status"]!.GetValue<string>());
        Assert.StartsWith("down", body["checks"]!["redis"]!.GetValue<string>());
        Assert.Equal("up", body["checks"]!["postgres"]!.GetValue<string>());
    }
}

public sealed class PostgresDownApp : PipelineApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ConnectionStrings:postgres"] = "Host=127.0.0.1;Port=1;Username=postgres;Timeout=1",
        ["Database:MigrateOnStart"] = "false",
    };
}

public sealed class ReadinessWithPostgresDownTests(PostgresDownApp app) : IClassFixture<PostgresDownApp>
{
    [Fact]
    public async Task Readyz_Answers200Degraded_WhenOnlyPostgresIsDown()
    {
        using var client = app.CreateClient();
        var response = await client.GetAsync("/readyz");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("degraded", body["status"]!.GetValue<string>());
        Assert.StartsWith("down", body["checks"]!["postgres"]!.GetValue<string>());
        Assert.Equal("up", body["checks"]!["redis"]!.GetValue<string>());
    }

    [Fact]
    public async Task RoutesThatNeedPostgres_Answer503WithRetryAfter_Not500()
    {
        using var op = app.Operator();
        using var stranger = app.ClientWithKey("cbp_never_seen_0123456789abcdef0123456789");

        foreach (var response in new[] { await op.GetAsync("/v1/accounts"), await stranger.GetAsync("/v1/providers") })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        }
    }
}
