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
