using System.Net;
using System.Text.Json.Nodes;
using CallbackPipeline.IntegrationTests.Infrastructure;
using CallbackPipeline.Core.Events;
using CallbackPipeline.Storage;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace CallbackPipeline.IntegrationTests.Pipeline;

/// <summary>
/// With Redis:WaitForReplicas set, a callback is answered 2xx, counts are acknowledged and a batch is committed only once
/// a replica has them; while the replica does not answer, callbacks are answered 503, no count is confirmed and nothing
/// is flushed, and all of it resumes with the replica.
/// </summary>
public sealed class ReplicaAcknowledgementTests(ReplicaAcknowledgedApp app) : IClassFixture<ReplicaAcknowledgedApp>
{
    [Fact]
    public async Task WhileTheReplicaDoesNotAnswer_CallbacksAre503AndNothingIsCommitted_ThenBothResume()
    {
        var account = await app.CreateAccountAsync();
        var provider = await account.CreateProviderAsync();
        var id = provider["id"]!.GetValue<string>();
        var day = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd");
        var flush = app.Services.GetRequiredService<FlushService>();
        var counters = app.Services.GetRequiredService<CounterStore>();
        var unconfirmed = new CallbackEvent(id, EventKind.Delivered, "counted", null, DateTimeOffset.UtcNow.ToUnixTimeSeconds(), DateOnly.FromDateTime(DateTime.UtcNow));
        await account.PostCallbackUntilAcceptedAsync(provider, GenericCallback.Delivered("before"));
        await account.StatsUntilAsync(id, day, day, s => s.Total("delivered") == 1);

        await app.Replica.FreezeAsync();
        HttpResponseMessage refused;
        StorageUnavailableException notFlushed;
        try
        {
            refused = await account.PostCallbackAsync(provider, GenericCallback.Delivered("while"));
            // Counted on the primary, but not confirmed: the worker would not acknowledge its messages.
            await Assert.ThrowsAsync<StorageUnavailableException>(() => counters.ApplyAsync([unconfirmed], CancellationToken.None));
            notFlushed = await Assert.ThrowsAsync<StorageUnavailableException>(() => flush.FlushAllAsync(CancellationToken.None));
        }
        finally
        {
            await app.Replica.ThawAsync();
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        var problem = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        Assert.Contains("0 of the 1 Redis replicas required (Redis:WaitForReplicas)", problem["detail"]!.GetValue<string>());
        Assert.Contains("Redis replicas", notFlushed.Message);
        Assert.Empty(await PipelineSteps.RowsAsync(app.Services.GetConnectionString(), id));

        // The provider retries the refused callback; it was queued on the primary, so the retry counts nothing twice.
        await account.PostCallbackUntilAcceptedAsync(provider, GenericCallback.Delivered("while"));
        await account.StatsUntilAsync(id, day, day, s => s.Total("delivered") == 3);
        await flush.FlushAllAsync(CancellationToken.None);
        Assert.Equal(3, (await PipelineSteps.RowsAsync(app.Services.GetConnectionString(), id)).Sum().Delivered);
        Assert.Equal(3, (await account.StatsAsync(id, day, day)).Total("delivered"));
    }
}
