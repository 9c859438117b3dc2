using System.Security.Cryptography;
using System.Text.Json;

namespace CallbackPipeline.Api.Stats;

/// <summary>
/// A stats answer as it is sent, serialized once however often it is served: the body, and an ETag over everything
/// but <c>asOf</c>, so the ETag changes exactly when a figure does. Or the problem that answered the request instead,
/// which is never kept.
/// </summary>
public sealed class StatsAnswer
{
    private const string ContentType = "application/json; charset=utf-8";

    private StatsAnswer(byte[] body, string etag, IResult? problem, string? next = null)
    {
        Body = body;
        ETag = etag;
        Problem = problem;
        Next = next;
    }

    /// <summary>The cursor of the next page, for answers that are a page (the overview's providers), else null.</summary>
    public string? Next { get; }

    public byte[] Body { get; }

    public string ETag { get; }

    public IResult? Problem { get; }

    public static StatsAnswer Of<T>(T withoutAsOf, T answer, JsonSerializerOptions options, string? next = null)
    {
        var hash = SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(withoutAsOf, options));
        return new StatsAnswer(JsonSerializer.SerializeToUtf8Bytes(answer, options), $"\"{Convert.ToHexStringLower(hash.AsSpan(0, 16))}\"", null, next);
    }

    public static StatsAnswer Failed(IResult problem) => new([], "", problem);

    /// <summary>The answer, or 304 when <c>If-None-Match</c> names its ETag.</summary>
    public IResult Send(HttpContext context)
    {
        if (Problem is not null) return Problem;
        if (Next is not null) context.Response.Headers.Link = Page.NextLink(context.Request, Next);
        context.Response.Headers.ETag = ETag;
        context.Response.Headers.CacheControl = "no-cache";
        var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
        // If-None-Match compares weakly: W/"x" matches "x".
        if (ifNoneMatch.Length > 0 && (ifNoneMatch == "*" || ifNoneMatch.Split(',').Any(t => StripWeak(t.Trim()) == ETag)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.Bytes(Body, ContentType);
    }

    private static string StripWeak(string tag) => tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;
}
