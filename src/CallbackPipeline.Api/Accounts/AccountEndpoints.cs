using CallbackPipeline.Api.Auth;
using CallbackPipeline.Api.Stats;
using CallbackPipeline.Storage.Accounts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallbackPipeline.Api.Accounts;

/// <summary>Accounts and their API keys, managed with the operator key.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/v1/accounts").RequireOperatorKey();
        group.MapPost("/", CreateAsync);
        group.MapGet("/", async (AccountStore accounts, CancellationToken ct) =>
            TypedResults.Ok((await accounts.ListAsync(ct)).Select(AccountView.From)));
        group.MapGet("/{accountId}", GetAsync);
        group.MapPatch("/{accountId}", UpdateAsync).ForgetsStats(context => (string)context.GetRouteValue("accountId")!);
        group.MapPost("/{accountId}/keys", CreateKeyAsync);
        group.MapGet("/{accountId}/keys", ListKeysAsync);
        group.MapDelete("/{accountId}/keys/{keyId}", RevokeKeyAsync);
        return routes;
    }

    private static async Task<Results<Created<AccountView>, ProblemHttpResult>> CreateAsync(CreateAccountRequest request, AccountStore accounts, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        Names.Check(request.Name, errors, required: true);
        CheckZone(request.TimeZone, errors, required: true);
        if (errors.Count > 0) return Problems.Validation(errors);

        var account = await accounts.CreateAsync(request.Name!.Trim(), request.TimeZone!, ct);
        return TypedResults.Created($"/v1/accounts/{account.Id}", AccountView.From(account));
    }

    private static async Task<Results<Ok<AccountView>, ProblemHttpResult>> GetAsync(string accountId, AccountStore accounts, CancellationToken ct) =>
        await accounts.GetAsync(accountId, ct) is { } account ? TypedResults.Ok(AccountView.From(account)) : NoAccount();

    private static async Task<Results<Ok<AccountView>, ProblemHttpResult>> UpdateAsync(string accountId, UpdateAccountRequest request, AccountStore accounts, CancellationToken ct)
    {
        // 404 before 400, as for the account's keys.
        if (await accounts.GetAsync(accountId, ct) is null) return NoAccount();
        var errors = new Dictionary<string, string[]>();
        Names.Check(request.Name, errors, required: false);
        CheckZone(request.TimeZone, errors, required: false);
        if (errors.Count > 0) return Problems.Validation(errors);

        return await accounts.UpdateAsync(accountId, request.Name?.Trim(), request.TimeZone, ct) is { } account
            ? TypedResults.Ok(AccountView.From(account))
            : NoAccount();
    }

    private static async Task<Results<Created<CreatedKeyView>, ProblemHttpResult>> CreateKeyAsync(
        string accountId, CreateKeyRequest request, AccountStore accounts, ApiKeyStore keys, CancellationToken ct)
    {
        if (await accounts.GetAsync(accountId, ct) is null) return NoAccount();
        var errors = new Dictionary<string, string[]>();
        Names.Check(request.Name, errors, required: true);
        if (request.Role is not ("admin" or "read")) errors["role"] = ["must be admin or read"];
        if (errors.Count > 0) return Problems.Validation(errors);

        var (key, secret) = await keys.CreateAsync(accountId, request.Name!.Trim(), request.Role == "admin" ? KeyRole.Admin : KeyRole.Read, ct);
        return TypedResults.Created($"/v1/accounts/{accountId}/keys/{key.Id}", new CreatedKeyView(key.Id, key.Name, ApiKeyStore.RoleName(key.Role), secret));
    }

    private static async Task<Results<Ok<IEnumerable<KeyView>>, ProblemHttpResult>> ListKeysAsync(
        string accountId, AccountStore accounts, ApiKeyStore keys, CancellationToken ct)
    {
        if (await accounts.GetAsync(accountId, ct) is null) return NoAccount();
        return TypedResults.Ok((await keys.ListAsync(accountId, ct)).Select(KeyView.From));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKeyAsync(string accountId, string keyId, ApiKeyStore keys, CancellationToken ct) =>
        await keys.RevokeAsync(accountId, keyId, ct) ? TypedResults.NoContent() : Problems.NotFound("No such key in this account.");

    private static ProblemHttpResult NoAccount() => Problems.NotFound("No such account.");

    private static void CheckZone(string? zone, Dictionary<string, string[]> errors, bool required)
    {
        if (zone is null)
        {
            if (required) errors["timeZone"] = ["is required: an IANA time zone such as Asia/Kolkata"];
        }
        else if (!TimeZones.IsKnown(zone))
        {
            errors["timeZone"] = [$"'{zone}' is not a known IANA time zone"];
        }
    }
}

public sealed record CreateAccountRequest(string? Name, string? TimeZone);

public sealed record UpdateAccountRequest(string? Name, string? TimeZone);

public sealed record CreateKeyRequest(string? Name, string? Role);

public sealed record AccountView(string Id, string Name, string TimeZone, DateTimeOffset CreatedAt)
{
    public static AccountView From(Account a) => new(a.Id, a.Name, a.TimeZone, a.CreatedAt);
}

public sealed record KeyView(string Id, string Name, string Role, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static KeyView From(ApiKey k) => new(k.Id, k.Name, ApiKeyStore.RoleName(k.Role), k.CreatedAt, k.RevokedAt);
}

public sealed record CreatedKeyView(string Id, string Name, string Role, string Key);
