namespace CallbackPipeline.Api.TestSms;

/// <summary>
/// The provider's answer to a test SMS: <c>ok</c> with its message id, or its own error. <c>recorded</c> says whether
/// the sent message was queued for counting (false only when the queue refused it after the provider accepted).
/// </summary>
public sealed record TestSmsResult(bool Ok, string? ProviderMessageId, string? Error, bool? Recorded = null)
{
    public static TestSmsResult Sent(string id) => new(true, id, null);

    public static TestSmsResult Failed(string error) => new(false, null, error.Length > 500 ? error[..500] : error);
}
