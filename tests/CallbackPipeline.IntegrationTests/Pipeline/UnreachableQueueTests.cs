using System.Net;
using CallbackPipeline.IntegrationTests.Hosting;

namespace CallbackPipeline.IntegrationTests.Pipeline;

public sealed class UnreachableQueueTests(RedisDownApp app) : IClassFixture<RedisDownApp>
{
    [Fact]
    public async Task AnUnreachableQueue_Answers503WithRetryAfter()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var response = await account.PostCallbackAsync(provider, """[{"event":"delivered","data":[{"ts":1764000000,"meta":"m"}]}]""");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }
}
