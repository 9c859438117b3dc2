using CallbackPipeline.Core.Providers;
using CallbackPipeline.Storage;
using CallbackPipeline.Storage.Providers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallbackPipeline.Api.Providers;

/// <summary>
/// The rules of "Edit settings": settings and secrets merge key by key (null removes an optional value), the kind
/// never changes, archived providers cannot be edited, and a rotated callback token keeps working for a grace period.
/// </summary>
public sealed record ProviderEdit(ProviderRecord? Updated, ProblemHttpResult? Failure)
{
    public static ProviderEdit Apply(ProviderRecord current, EditProviderRequest request, DateTimeOffset now, TimeSpan grace)
    {
        if (current.Archived) return Fail(Problems.Conflict("An archived provider cannot be edited."));

        var spec = ProviderKindSpec.For(current.Kind);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Names.Check(request.Name, errors, required: false);
        if (request.Kind is not null && request.Kind != ProviderKindSpec.Name(current.Kind))
        {
            errors["kind"] = ["cannot change; create a new provider of the other kind"];
        }
        var settings = ProviderValidation.Merge(current.Settings, request.Settings);
        var secrets = ProviderValidation.Merge(current.Secrets, request.Secrets);
        if (spec.HasCallbackToken && request.Secrets is { } patch && patch.ContainsKey(ProviderKindSpec.CallbackToken) && patch[ProviderKindSpec.CallbackToken] is null)
        {
            errors["secrets.callbackToken"] = ["cannot be removed; use \"rotate\": [\"callbackToken\"] to replace it"];
        }

        var (previousToken, previousExpires) = (current.PreviousToken, current.PreviousTokenExpiresAt);
        foreach (var name in request.Rotate ?? [])
        {
            if (name != ProviderKindSpec.CallbackToken || !spec.HasCallbackToken)
            {
                errors["rotate"] = [$"only callbackToken can be rotated, and only for kinds that have one; got '{name}'"];
                continue;
            }
            (previousToken, previousExpires) = grace > TimeSpan.Zero ? (current.CallbackToken, now + grace) : ((string?)null, (DateTimeOffset?)null);
            secrets[ProviderKindSpec.CallbackToken] = Ids.Secret();
        }
        foreach (var (field, problems) in ProviderValidation.Validate(spec, settings, secrets)) errors.TryAdd(field, problems);
        if (errors.Count > 0) return Fail(Problems.Validation(errors));

        return new ProviderEdit(current with
        {
            Name = request.Name?.Trim() ?? current.Name,
            DeliveryCallbacks = request.DeliveryCallbacks ?? current.DeliveryCallbacks,
            Settings = settings,
            Secrets = secrets,
            PreviousToken = previousToken,
            PreviousTokenExpiresAt = previousExpires,
        }, null);
    }

    private static ProviderEdit Fail(ProblemHttpResult problem) => new(null, problem);
}
