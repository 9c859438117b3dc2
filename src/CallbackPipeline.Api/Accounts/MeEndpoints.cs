using CallbackPipeline.Api.Auth;
using CallbackPipeline.Storage.Accounts;

namespace CallbackPipeline.Api.Accounts;

/// <summary><c>GET /v1/me</c>: what an account key is (account, its reporting zone, the key's role), so the dashboard knows what to show.</summary>
public static class MeEndpoints
{
    public static IEndpointRouteBuilder MapMe(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/v1/me").RequireAccountKey().MapGet("/", async (HttpContext context, AccountStore accounts, CancellationToken ct) =>
        {
            var caller = Caller.From(context);
            var account = (await accounts.GetAsync(caller.AccountId, ct))!;
            return TypedResults.Ok(new MeView(account.Id, account.Name, account.TimeZone, ApiKeyStore.RoleName(caller.Role)));
        });
        return routes;
    }
}

public sealed record MeView(string AccountId, string AccountName, string TimeZone, string Role);
