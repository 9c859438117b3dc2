using CallbackPipeline.Api.Auth;
using CallbackPipeline.Storage.Queue;
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

    private static async Task<Results<Ok<ReplayAnswer>, ProblemHttpResult>> ReplayAsync(string id, IDeadLetterStore store, CancellationToken ct) =>
        await store.ReplayAsync(id, ct) switch
        {
            ReplayOutcome.Replayed => TypedResults.Ok(new ReplayAnswer(id, true)),
            ReplayOutcome.Unreadable => Problems.Conflict("The message's payload cannot be read, so it cannot be replayed; it stays for inspection."),
            _ => Problems.NotFound("No such dead letter."),
        };
}

public sealed record ReplayAnswer(string Id, bool Replayed);
