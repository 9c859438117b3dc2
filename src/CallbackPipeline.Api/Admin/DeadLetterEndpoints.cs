using CallbackPipeline.Api.Auth;
using CallbackPipeline.Storage.Counting;
using CallbackPipeline.Storage.Queue;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallbackPipeline.Api.Admin;

/// <summary>
/// Operator repair tools for dead letters: list what is there and why, replay a message. On Redis Streams they are the
/// dead-letter stream; on Service Bus the queue's dead-letter subqueue (ids are sequence numbers there).
/// </summary>
public static class DeadLetterEndpoints
{
    public static IEndpointRouteBuilder MapDeadLetters(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/admin/dead-letters").RequireOperatorKey();
        group.MapGet("/", async (IDeadLetterStore store, CancellationToken ct, int? count) =>
            TypedResults.Ok(await store.ListAsync(Math.Clamp(count ?? 100, 1, 1000), ct)));
        group.MapPost("/{id}/replay", ReplayAsync);
        return routes;
    }

    private static async Task<Results<Ok<ReplayAnswer>, ProblemHttpResult>> ReplayAsync(
        string id, IDeadLetterStore store, TimeProvider clock, IOptions<CountingOptions> counting, CancellationToken ct)
    {
        // The counting script's own rule: an event older than the window may have lost its dedup record, so it counts nothing.
        var oldest = clock.GetUtcNow().ToUnixTimeSeconds() - (long)counting.Value.DedupWindow.TotalSeconds;
        return await store.ReplayAsync(id, e => e.EventTime >= oldest, ct) switch
        {
            ReplayOutcome.Replayed => TypedResults.Ok(new ReplayAnswer(id, true)),
            ReplayOutcome.Unreadable => Problems.Conflict("The message's payload cannot be read, so it cannot be replayed; it stays for inspection."),
            ReplayOutcome.TooLate => Problems.Conflict(
                "Every event of the message is older than the dedup window (Counting:DedupWindow): replayed, it would count nothing; it stays for inspection."),
            _ => Problems.NotFound("No such dead letter."),
        };
    }
}

public sealed record ReplayAnswer(string Id, bool Replayed);
