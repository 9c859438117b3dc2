using System.Security.Cryptography;
using System.Text;
using CallbackPipeline.Core.Forms;

namespace CallbackPipeline.Core.Plivo;

/// <summary>
/// Plivo's <c>X-Plivo-Signature-V3</c> as its SDK computes it (providers.md §4): base64 HMAC-SHA256, keyed with the
/// auth token, over <c>scheme://host/path?</c> + the URL's query sorted as <c>k=v&amp;…</c> (for GET merged with the
/// callback's parameters), then for POST a <c>.</c> when both are present and the posted parameters sorted as
/// <c>kv</c>, then <c>.</c> + the nonce. The header may list several signatures; one match is enough.
/// V2 is not accepted: it signs neither body nor query.
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
        var uri = new Uri(url);
        var text = new StringBuilder($"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}?");
        var query = FormFields.Parse(uri.Query);
        if (isPost)
        {
            text.Append(QueryPart(query));
            if (query.Pairs.Count > 0 && posted.Pairs.Count > 0) text.Append('.');
            foreach (var (key, value) in Sorted(posted)) text.Append(key).Append(value);
        }
        else
        {
            text.Append(QueryPart(query.Concat(posted)));
        }
        return text.Append('.').Append(nonce).ToString();
    }

    private static string QueryPart(FormFields fields) => string.Join('&', Sorted(fields).Select(p => $"{p.Key}={p.Value}"));

    // The SDK builds a dictionary: one value per name, the last one given.
    private static IEnumerable<KeyValuePair<string, string>> Sorted(FormFields fields) =>
        fields.Pairs.GroupBy(p => p.Key, StringComparer.Ordinal).Select(g => g.Last()).OrderBy(p => p.Key, StringComparer.Ordinal);
}
