using System.Text.Json;
using System.Text.Json.Nodes;
using CallbackPipeline.Core.Providers;
using CallbackPipeline.Storage;
using CallbackPipeline.Storage.Providers;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CallbackPipeline.Api.Providers;

/// <summary>
/// The rules of "Edit settings": settings and secrets merge key by key (null removes an optional value), the kind
/// never changes, archived providers cannot be edited, a rotated callback token keeps working for a grace period, and
/// an edit that moves the URL a send goes to onto another host gives again the secrets sent there.
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

        if (spec.SecretsGoTo is var (url, sent) && !SameHost(current.Settings[url], settings[url]))
        {
            foreach (var secret in sent.Where(s => current.Secrets[s] is not null && request.Secrets?.ContainsKey(s) != true))
            {
                errors[$"secrets.{secret}"] = [$"give it again with the new settings.{url}: it is sent there"];
            }
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

    /// <summary>Whether a URL setting still sends to the scheme, host and port it did (or now sends nowhere).</summary>
    private static bool SameHost(JsonNode? before, JsonNode? after)
    {
        static Uri? Parse(JsonNode? node) =>
            node?.GetValueKind() == JsonValueKind.String && Uri.TryCreate(node.GetValue<string>(), UriKind.Absolute, out var uri) ? uri : null;
        var (was, now) = (Parse(before), Parse(after));
        return now is null
            || (was is not null && Uri.Compare(was, now, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0);
    }
}
