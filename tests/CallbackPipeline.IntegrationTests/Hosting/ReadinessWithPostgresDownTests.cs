using System.Net;
using System.Text.Json.Nodes;

namespace CallbackPipeline.IntegrationTests.Hosting;

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
