using System.Text.Json;
using CallbackPipeline.Core.Events;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CallbackPipeline.Api.Callbacks;

/// <summary>
/// Answers batch callbacks. Almost every callback is wholly valid and small, so its answer is one of a few: each is
/// serialized once, on first use, with the host's JSON options, instead of on every request.
/// </summary>
public sealed class BatchCallbackAnswers(IOptions<JsonOptions> options)
{
    /// <summary>Record counts up to this one get an answer serialized once.</summary>
    public const int MaxCachedRecords = 100;

    private readonly byte[]?[] successes = new byte[MaxCachedRecords + 1][];

    public IResult For(ParsedCallback parsed)
    {
        if (parsed.Unprocessed.Count > 0) return TypedResults.Ok(new BatchCallbackAnswer("partial", parsed.Processed, parsed.Unprocessed));
        if (parsed.Processed > MaxCachedRecords) return TypedResults.Ok(Success(parsed.Processed));
        var body = successes[parsed.Processed] ??= JsonSerializer.SerializeToUtf8Bytes(Success(parsed.Processed), options.Value.SerializerOptions);
        return TypedResults.Bytes(body, "application/json; charset=utf-8");
    }

    private static BatchCallbackAnswer Success(int processed) => new("success", processed, []);
}
