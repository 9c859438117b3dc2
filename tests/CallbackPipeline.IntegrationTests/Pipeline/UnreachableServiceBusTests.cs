using System.Net;
using CallbackPipeline.IntegrationTests.Infrastructure;

namespace CallbackPipeline.IntegrationTests.Pipeline;

public sealed class UnreachableServiceBusTests(ServiceBusDownApp app) : IClassFixture<ServiceBusDownApp>
{
    [Fact]
    public async Task AnUnreachableServiceBus_Answers503WithRetryAfter_AndCountsNothing()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();

        var callback = await account.PostCallbackAsync(provider, """[{"event":"delivered","data":[{"ts":1764000000,"meta":"m"}]}]""");
        var events = await account.PostEventsAsync(new { providerId = id, messageId = "m", type = "sent" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, callback.StatusCode);
        Assert.NotNull(callback.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, events.StatusCode);
        Assert.Empty(await PipelineSteps.RowsAsync(app.Services.GetConnectionString(), id));
        using var client = app.CreateClient();
        await Polling.UntilAsync(() => client.GetAsync("/readyz"), r => r.StatusCode == HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task TheDeadLetterTools_Answer503WithRetryAfter_WhileServiceBusIsUnreachable()
    {
        using var op = app.Operator();

        foreach (var response in new[] { await op.GetAsync("/v1/admin/dead-letters"), await op.PostAsync("/v1/admin/dead-letters/42/replay", null) })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.Contains("Service Bus cannot be reached", await response.Content.ReadAsStringAsync());
        }
    }
}
