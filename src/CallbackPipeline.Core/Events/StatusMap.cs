namespace CallbackPipeline.Core.Events;

/// <summary>
/// What a provider status means for counting: an event kind, nothing (an intermediate state, or a status
/// docs/providers.md lists as counting nothing), or unknown (accepted, counted as nothing, and reported by a metric).
/// </summary>
public readonly record struct StatusMeaning(EventKind? Kind, bool Known)
{
    public static readonly StatusMeaning Nothing = new(null, true);
    public static readonly StatusMeaning Unknown = new(null, false);

    public static StatusMeaning Is(EventKind kind) => new(kind, true);
}

/// <summary>A case-insensitive status vocabulary.</summary>
public sealed class StatusMap(IReadOnlyDictionary<string, StatusMeaning> meanings)
{
    private readonly Dictionary<string, StatusMeaning> meanings = new(meanings, StringComparer.OrdinalIgnoreCase);

    public StatusMeaning this[string? status] =>
        status is not null && meanings.TryGetValue(status, out var meaning) ? meaning : StatusMeaning.Unknown;

    public static StatusMap Of(params (string Status, EventKind? Kind)[] entries) =>
        new(entries.ToDictionary(e => e.Status, e => e.Kind is { } k ? StatusMeaning.Is(k) : StatusMeaning.Nothing));
}
