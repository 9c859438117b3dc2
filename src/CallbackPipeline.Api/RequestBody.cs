using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http.Features;

namespace CallbackPipeline.Api;

/// <summary>Reads a request body whole, refusing one over the limit before buffering it.</summary>
public static class RequestBody
{
    /// <summary>
    /// The body, or null when it is over <paramref name="limit"/> bytes. A body over the limit is left unread, so the
    /// answer closes the connection (<c>Connection: close</c>): a keep-alive client then sends its next request on a new
    /// one instead of on a connection the server drops.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit) return TooLarge(request);
        var reader = request.BodyReader;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(cancellationToken);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return TooLarge(request);
            }
            if (result.Buffer.Length > limit)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                return TooLarge(request);
            }
            if (result.IsCompleted)
            {
                var bytes = result.Buffer.ToArray();
                reader.AdvanceTo(result.Buffer.End);
                return bytes;
            }
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    /// <summary>
    /// For an answer given before the body is read: Kestrel drains an unread body after the answer, up to the limit, and
    /// drops the connection when it cannot, so a body that may be over the limit (larger, or of unknown length) closes
    /// the connection with the answer.
    /// </summary>
    public static void CloseIfUnreadBodyMayBeOver(HttpRequest request, int limit)
    {
        var canHaveBody = request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? false;
        if (canHaveBody && (request.ContentLength is null || request.ContentLength > limit)) request.HttpContext.Response.Headers.Connection = "close";
    }

    private static ReadOnlyMemory<byte>? TooLarge(HttpRequest request)
    {
        request.HttpContext.Response.Headers.Connection = "close";
        return null;
    }

    public static bool IsJson(string? contentType) =>
        contentType is { } type
        && (type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || type.Split(';')[0].Trim().EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    public static bool IsForm(string? contentType) =>
        contentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true;
}
