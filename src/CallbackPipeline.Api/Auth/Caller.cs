using CallbackPipeline.Storage.Accounts;

namespace CallbackPipeline.Api.Auth;

/// <summary>Who made a management call: the operator, or a key of one account with its role.</summary>
public sealed record Caller(bool IsOperator, string AccountId, KeyRole Role)
{
    public static readonly Caller Operator = new(true, "", KeyRole.Admin);

    public bool IsAdmin => Role == KeyRole.Admin;

    public static Caller From(HttpContext context) =>
        context.Features.Get<Caller>() ?? throw new InvalidOperationException("The route has no caller filter.");
}
