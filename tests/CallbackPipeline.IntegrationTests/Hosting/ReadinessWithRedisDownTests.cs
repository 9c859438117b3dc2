using System.Net;
using System.Text.Json.Nodes;

namespace CallbackPipeline.IntegrationTests.Hosting;

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
