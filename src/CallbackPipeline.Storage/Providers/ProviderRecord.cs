using System.Text.Json.Nodes;
using CallbackPipeline.Core.Providers;

namespace CallbackPipeline.Storage.Providers;

/// <summary>A provider as stored, with its secrets decrypted. Only the API layer decides what of it leaves the process.</summary>
public sealed record ProviderRecord(
    string Id,
    string AccountId,
    string Name,
    ProviderKind Kind,
    bool Archived,
    bool IsDefault,
    bool DeliveryCallbacks,
    JsonObject Settings,
    JsonObject Secrets,
    string? PreviousToken,
    DateTimeOffset? PreviousTokenExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ArchivedAt)
{
    public string? CallbackToken => Secrets[ProviderKindSpec.CallbackToken]?.GetValue<string>();
}

/// <summary>
/// A provider's place in its account's stable order: creation time, then id (ordinal), as
/// <see cref="ProviderStore.ListAsync"/> lists them.
/// </summary>
public sealed record ProviderPosition(DateTimeOffset CreatedAt, string Id)
{
    public static ProviderPosition Of(ProviderRecord provider) => new(provider.CreatedAt, provider.Id);

    /// <summary>Whether <paramref name="provider"/> comes after this position.</summary>
    public bool IsBefore(ProviderRecord provider) =>
        provider.CreatedAt > CreatedAt || (provider.CreatedAt == CreatedAt && string.CompareOrdinal(provider.Id, Id) > 0);
}

/// <summary>What the receiver needs to route and verify a callback: the provider and its account's reporting time zone.</summary>
public sealed record ProviderRoute(ProviderRecord Provider, string TimeZone);

/// <summary>How a state change of a provider ended.</summary>
public enum ProviderChange
{
    Done,
    NotFound,
    Archived,
}
