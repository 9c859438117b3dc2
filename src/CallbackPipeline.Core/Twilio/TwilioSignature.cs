using System.Security.Cryptography;
using System.Text;
using CallbackPipeline.Core.Forms;

namespace CallbackPipeline.Core.Twilio;

/// <summary>
/// <c>X-Twilio-Signature</c> as Twilio's SDK (twilio-node 6.3, <c>webhooks.js</c>) computes it: base64 HMAC-SHA1,
/// keyed with the auth token, over the full URL followed by every posted parameter sorted by name (ordinal), name then
/// value; a repeated name's distinct values sorted, each once. Like the SDK, the URL is also tried with the default
/// port added or removed.
/// </summary>
public static class TwilioSignature
{
    public static bool IsValid(string authToken, string url, FormFields parameters, string? signature)
    {
        if (string.IsNullOrEmpty(signature)) return false;
        // The URL as received first; the other spelling of its port (and its parsing) only when that does not match.
        // Which spelling matched is no secret: matching either takes the auth token.
        foreach (var candidate in UrlVariants(url))
        {
            if (Signatures.Base64Equals(signature, Compute(authToken, candidate, parameters))) return true;
        }
        return false;
    }

    public static byte[] Compute(string authToken, string url, FormFields parameters)
    {
        var data = new StringBuilder(url);
        // As the SDK does: the values of a repeated name once each, sorted.
        foreach (var (key, value) in parameters.Pairs.Distinct().OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
        {
            data.Append(key).Append(value);
        }
        return HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString()));
    }

    private static IEnumerable<string> UrlVariants(string url)
    {
        yield return url;
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)) yield break;
        var builder = new UriBuilder(uri);
        if (url.Contains($":{uri.Port}/", StringComparison.Ordinal) || url.EndsWith($":{uri.Port}", StringComparison.Ordinal))
        {
            builder.Port = -1;
            yield return builder.Uri.AbsoluteUri;
        }
        else if (uri.IsDefaultPort)
        {
            yield return $"{uri.Scheme}://{uri.Host}:{uri.Port}{uri.PathAndQuery}";
        }
    }
}
