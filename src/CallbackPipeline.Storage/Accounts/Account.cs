namespace CallbackPipeline.Storage.Accounts;

/// <summary>A tenant: its providers, keys and reporting time zone (an IANA name).</summary>
public sealed record Account(string Id, string Name, string TimeZone, DateTimeOffset CreatedAt);
