using System.Buffers;
using System.IO.Pipelines;

namespace CallbackPipeline.Api;

/// <summary>Reads a request body whole, refusing one over the limit before buffering it.</summary>
public static class RequestBody
{
    /// <summary>The body, or null when it is over <paramref name="limit"/> bytes.</summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit) return null;
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
                return null;
            }
            if (result.Buffer.Length > limit)
            {
                reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
                return null;
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

    public static bool IsJson(string? contentType) =>
        contentType is { } type
        && (type.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
            || type.Split(';')[0].Trim().EndsWith("+json", StringComparison.OrdinalIgnoreCase));

    public static bool IsForm(string? contentType) =>
        contentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true;
}
