using System.Buffers.Text;
using System.Globalization;
using System.Text;
using CallbackPipeline.Storage.Providers;
using Microsoft.AspNetCore.WebUtilities;

namespace CallbackPipeline.Api;

/// <summary>
/// Paging of an account's providers (docs/api.md, "Paging"): <c>limit</c> (1–500, default 100) and an opaque
/// <c>cursor</c> naming the last provider of the page before, in the providers' stable order (creation time, then id);
/// the answer carries <c>Link: &lt;…&gt;; rel="next"</c> while more remain.
/// </summary>
public sealed record Page(int Limit, ProviderPosition? After)
{
    public const int DefaultLimit = 100;

    public const int MaxLimit = 500;

    /// <summary>The page a request asks for; what is wrong with <c>limit</c> or <c>cursor</c> goes to <paramref name="errors"/>.</summary>
    public static Page Read(HttpRequest request, IDictionary<string, string[]> errors)
    {
        var limit = DefaultLimit;
        if (request.Query.TryGetValue("limit", out var limitText)
            && !(int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit))
        {
            errors["limit"] = [$"must be a whole number from 1 to {MaxLimit}"];
        }
        ProviderPosition? after = null;
        if (request.Query.TryGetValue("cursor", out var cursorText) && !TryDecode(cursorText.ToString(), out after))
        {
            errors["cursor"] = ["is not a cursor this API gave out: pass the one from the Link header of the page before"];
        }
        return new Page(limit, after);
    }

    /// <summary>The cursor of the page after the one that ends with <paramref name="last"/>.</summary>
    public static string Encode(ProviderPosition last) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{last.CreatedAt.UtcTicks}.{last.Id}")));

    /// <summary>The <c>Link</c> header of the next page: this request's URL with the cursor replaced.</summary>
    public static string NextLink(HttpRequest request, string cursor)
    {
        var query = request.Query.Where(q => q.Key != "cursor").ToDictionary(q => q.Key, q => (string?)q.Value.ToString(), StringComparer.Ordinal);
        query["cursor"] = cursor;
        return $"<{QueryHelpers.AddQueryString(request.PathBase + request.Path, query)}>; rel=\"next\"";
    }

    private static bool TryDecode(string text, out ProviderPosition? position)
    {
        position = null;
        if (text.Length is 0 or > 200 || !Base64Url.IsValid(text)) return false;
        var decoded = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(text));
        var dot = decoded.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || !long.TryParse(decoded.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks || decoded.Length == dot + 1)
        {
            return false;
        }
        position = new ProviderPosition(new DateTimeOffset(ticks, TimeSpan.Zero), decoded[(dot + 1)..]);
        return true;
    }
}
