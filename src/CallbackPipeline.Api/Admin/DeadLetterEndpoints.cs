using CallbackPipeline.Api.Auth;
using CallbackPipeline.Storage.Queue;
using CallbackPipeline.Storage.Queue.ServiceBus;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Admin;

/// <summary>
/// Operator repair tools for the dead-letter stream: list what is there and why, replay a message. With the queue on
/// Service Bus the dead letters live in its dead-letter subqueue instead, and these answer 409 saying so.
/// </summary>
public static class DeadLetterEndpoints
{
    public static IEndpointRouteBuilder MapDeadLetters(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/admin/dead-letters").RequireOperatorKey().WithTags("Operations");
        group.AddEndpointFilter(async (context, next) =>
        {
            var services = context.HttpContext.RequestServices;
            if (services.GetRequiredService<IOptions<QueueOptions>>().Value.Transport != "servicebus") return await next(context);
            var queue = services.GetRequiredService<IOptions<ServiceBusQueueOptions>>().Value.QueueName;
            return Problems.Conflict($"The queue is on Service Bus, whose dead letters stay in the dead-letter subqueue of '{queue}' with their reasons; "
                + "inspect and resubmit them there (Service Bus Explorer). The dead_letters gauge counts them.");
        });
        group.MapGet("/", async (DeadLetterStore store, CancellationToken ct, int? count) =>
            TypedResults.Ok(await store.ListAsync(Math.Clamp(count ?? 100, 1, 1000), ct)));
        group.MapPost("/{id}/replay", ReplayAsync);
        return routes;
    }

    private static async Task<Results<Ok<ReplayAnswer>, ProblemHttpResult>> ReplayAsync(string id, DeadLetterStore store, CancellationToken ct) =>
        await store.ReplayAsync(id, ct) switch
        {
            ReplayOutcome.Replayed => TypedResults.Ok(new ReplayAnswer(id, true)),
            ReplayOutcome.Unreadable => Problems.Conflict("The message's payload cannot be read, so it cannot be replayed; it stays for inspection."),
            _ => Problems.NotFound("No such dead letter."),
        };
}

public sealed record ReplayAnswer(string Id, bool Replayed);
