namespace CallbackPipeline.Core.Insights;

/// <summary>Why a message failed, in words that mean the same for every provider.</summary>
public static class FailureCategories
{
    /// <summary>The number does not exist, is malformed or cannot take SMS.</summary>
    public const string InvalidNumber = "invalid_number";

    /// <summary>The number exists but could not be reached: switched off, absent, out of coverage, a carrier down.</summary>
    public const string Unreachable = "unreachable";

    /// <summary>Filtered by a carrier or regulator: spam filters, DLT, barring, content rules.</summary>
    public const string Blocked = "blocked";

    /// <summary>The recipient said no: STOP, do-not-disturb, a block list.</summary>
    public const string OptedOut = "opted_out";

    /// <summary>Refused for the sender's own doing: sender id, content, format, account, credit, registration.</summary>
    public const string Rejected = "rejected";

    /// <summary>Its validity period ran out before delivery.</summary>
    public const string Expired = "expired";

    /// <summary>The provider's or a carrier's system failed.</summary>
    public const string ProviderError = "provider_error";

    /// <summary>The provider does not say, or the code is not in the table.</summary>
    public const string Unknown = "unknown";

    public static readonly string[] All = [InvalidNumber, Unreachable, Blocked, OptedOut, Rejected, Expired, ProviderError, Unknown];
}
