namespace CallbackPipeline.Storage.Accounts;

/// <summary>The roles an account key can have.</summary>
public enum KeyRole
{
    Read,
    Admin,
}

/// <summary>An account's API key as stored: never the key itself, only its hash.</summary>
public sealed record ApiKey(string Id, string AccountId, string Name, KeyRole Role, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
