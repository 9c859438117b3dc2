namespace CallbackPipeline.IntegrationTests.Infrastructure;

/// <summary>Bodies of callbacks in the generic (CleverTap) format.</summary>
public static class GenericCallback
{
    /// <summary>One delivery receipt for <paramref name="messageId"/>, at <paramref name="at"/> (now when not given).</summary>
    public static string Delivered(string messageId, DateTimeOffset? at = null) =>
        $$"""[{"event":"delivered","data":[{"ts":{{(at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds()}},"meta":"{{messageId}}"}]}]""";
}
