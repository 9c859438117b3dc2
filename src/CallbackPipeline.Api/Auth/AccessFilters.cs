namespace CallbackPipeline.Api.Auth;

/// <summary>
/// The key checks that come before any resource lookup (docs/api.md, "Authentication"): no or unknown key is 401; an
/// account key on operator routes, or the operator key on account routes, is 403. Resource (404) and role (403)
/// checks follow in the handlers, in that order.
/// </summary>
public static class AccessFilters
{
    public static RouteGroupBuilder RequireOperatorKey(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            var caller = await ResolveAsync(context.HttpContext);
            if (caller is null) return Problems.Unauthorized();
            if (!caller.IsOperator) return Problems.Forbidden("Account routes take the operator key.");
            return await next(context);
        });

    public static RouteGroupBuilder RequireAccountKey(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            var caller = await ResolveAsync(context.HttpContext);
            if (caller is null) return Problems.Unauthorized();
            if (caller.IsOperator) return Problems.Forbidden("This route takes an account's API key, not the operator key.");
            return await next(context);
        });

    private static async Task<Caller?> ResolveAsync(HttpContext context)
    {
        var caller = await context.RequestServices.GetRequiredService<CallerResolver>().ResolveAsync(context.Request, context.RequestAborted);
        if (caller is not null) context.Features.Set(caller);
        return caller;
    }
}
