using Microsoft.AspNetCore.Http.Metadata;

namespace CallbackPipeline.Api.Auth;

/// <summary>
/// The key checks that come before any resource lookup (docs/api.md, "Authentication"): no or unknown key is 401; an
/// account key on operator routes, or the operator key on account routes, is 403. They run as middleware once the
/// route is known, before the endpoint reads and binds its body, so a caller without a valid key learns nothing about
/// a body's shape (no 400, 413 or 415 first) and has none parsed. Resource (404) and role (403) checks follow in the
/// handlers, in that order.
/// </summary>
public static class KeyChecks
{
    public static RouteGroupBuilder RequireOperatorKey(this RouteGroupBuilder group) => group.Require(new KeyRequirement(Operator: true));

    public static RouteGroupBuilder RequireAccountKey(this RouteGroupBuilder group) => group.Require(new KeyRequirement(Operator: false));

    /// <summary>
    /// Marks the group's routes, and takes away the content types a JSON body parameter makes routing match on:
    /// routing would answer 415 itself, before any middleware saw the key. The endpoint's body binding still answers
    /// 415 for a body that is not JSON, once the key has passed.
    /// </summary>
    private static RouteGroupBuilder Require(this RouteGroupBuilder group, KeyRequirement requirement)
    {
        group.WithMetadata(requirement);
        ((IEndpointConventionBuilder)group).Finally(endpoint =>
        {
            foreach (var accepts in endpoint.Metadata.OfType<IAcceptsMetadata>().ToList()) endpoint.Metadata.Remove(accepts);
        });
        return group;
    }

    /// <summary>Refuses a request to a route with a <see cref="KeyRequirement"/> whose key does not meet it.</summary>
    public static IApplicationBuilder UseKeyChecks(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<KeyRequirement>() is { } requirement && await RefusalAsync(context, requirement) is { } refusal)
        {
            await refusal.ExecuteAsync(context);
            return;
        }
        await next(context);
    });

    private static async Task<IResult?> RefusalAsync(HttpContext context, KeyRequirement requirement)
    {
        var caller = await context.RequestServices.GetRequiredService<CallerResolver>().ResolveAsync(context.Request, context.RequestAborted);
        if (caller is null) return Problems.Unauthorized();
        context.Features.Set(caller);
        if (requirement.Operator && !caller.IsOperator) return Problems.Forbidden("Account routes take the operator key.");
        if (!requirement.Operator && caller.IsOperator) return Problems.Forbidden("This route takes an account's API key, not the operator key.");
        return null;
    }
}

/// <summary>Route metadata: the route takes the operator key (<paramref name="Operator"/>), or an account's API key.</summary>
public sealed record KeyRequirement(bool Operator);
