using System.Text.Json.Nodes;
using CallbackPipeline.Core.Providers;
using CallbackPipeline.Storage.Providers;

namespace CallbackPipeline.Api.Providers;

/// <summary>A provider as the API returns it: secrets only by name; the callback token only to admin keys.</summary>
public sealed record ProviderView(
    string Id,
    string Name,
    string Kind,
    string Status,
    bool IsDefault,
    bool DeliveryCallbacks,
    string CallbackUrl,
    JsonObject Settings,
    IReadOnlyList<string> SecretsSet,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ArchivedAt)
{
    public static ProviderView From(ProviderRecord p, PublicUrls urls, bool admin)
    {
        var spec = ProviderKindSpec.For(p.Kind);
        var url = urls.Callback(p.Id);
        if (admin && spec.IsTokenAuthenticated(p.Secrets) && p.CallbackToken is { } token)
        {
            url += "?token=" + Uri.EscapeDataString(token);
        }
        return new ProviderView(
            p.Id, p.Name, ProviderKindSpec.Name(p.Kind), p.Archived ? "archived" : "active", p.IsDefault, p.DeliveryCallbacks,
            url, (JsonObject)p.Settings.DeepClone(), p.Secrets.Select(s => s.Key).Order(StringComparer.Ordinal).ToList(), p.CreatedAt, p.ArchivedAt);
    }
}
