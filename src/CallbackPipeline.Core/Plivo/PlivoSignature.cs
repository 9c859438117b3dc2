using System.Security.Cryptography;
using System.Text;
using CallbackPipeline.Core.Forms;

namespace CallbackPipeline.Core.Plivo;

/// <summary>
/// Plivo's <c>X-Plivo-Signature-V3</c> as its SDK (plivo-node 4.79, <c>v3Security.js</c>) computes it: base64
/// HMAC-SHA256, keyed with the auth token, over the URL up to its query, then <c>?</c> and the query's fields sorted
/// as <c>k=v&amp;…</c> when there are any (a GET's fields are its query); for a POST with fields, <c>?</c> always,
/// the sorted query, a <c>.</c> when it is not empty, and the posted fields sorted as <c>kv</c>; then <c>.</c> and the
/// nonce. Names are sorted, and the values of a repeated name are sorted with duplicates kept. The header may list
/// several signatures; one match is enough. V2 is not accepted: it signs neither body nor query.
/// </summary>
public static class PlivoSignature
{
    public static bool IsValid(string authToken, bool isPost, string url, FormFields posted, string? nonce, string? header)
    {
        if (string.IsNullOrEmpty(nonce) || string.IsNullOrEmpty(header)) return false;
        var expected = Compute(authToken, isPost, url, posted, nonce);
        var valid = false;
        foreach (var signature in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            valid |= Signatures.Base64Equals(signature, expected);
        }
        return valid;
    }

    public static byte[] Compute(string authToken, bool isPost, string url, FormFields posted, string nonce) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(StringToSign(isPost, url, posted, nonce)));

    public static string StringToSign(bool isPost, string url, FormFields posted, string nonce)
    {
        // The base is the URL as written, up to its query: the SDK neither adds nor drops a port.
        var mark = url.IndexOf('?', StringComparison.Ordinal);
        var (path, query) = mark < 0 ? (url, FormFields.Empty) : (url[..mark], FormFields.Parse(url[(mark + 1)..]));
        var sortedQuery = string.Join('&', Sorted(isPost ? query : query.Concat(posted)).Select(p => $"{p.Key}={p.Value}"));
        var text = new StringBuilder(path);
        if (isPost && posted.Pairs.Count > 0)
        {
            text.Append('?').Append(sortedQuery);
            if (sortedQuery.Length > 0) text.Append('.');
            foreach (var (key, value) in Sorted(posted)) text.Append(key).Append(value);
        }
        else if (sortedQuery.Length > 0)
        {
            text.Append('?').Append(sortedQuery);
        }
        return text.Append('.').Append(nonce).ToString();
    }

    // The SDK sorts the names and, within a repeated name, its values; repeated values are all kept.
    private static IEnumerable<KeyValuePair<string, string>> Sorted(FormFields fields) =>
        fields.Pairs.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal);
}
