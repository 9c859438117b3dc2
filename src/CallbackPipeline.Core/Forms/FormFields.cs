using System.Text;

namespace CallbackPipeline.Core.Forms;

/// <summary>
/// <c>application/x-www-form-urlencoded</c> fields (a form body or a query string) decoded in order, duplicates kept,
/// exactly as the signature schemes need them.
/// </summary>
public sealed class FormFields
{
    private FormFields(List<KeyValuePair<string, string>> pairs) => Pairs = pairs;

    public IReadOnlyList<KeyValuePair<string, string>> Pairs { get; }

    public static readonly FormFields Empty = new([]);

    /// <summary>The first value of a field, or null.</summary>
    public string? this[string name]
    {
        get
        {
            foreach (var (key, value) in Pairs)
            {
                if (key == name) return value;
            }
            return null;
        }
    }

    public static FormFields Parse(ReadOnlySpan<byte> body) => Parse(Encoding.UTF8.GetString(body));

    /// <summary>Parses <c>a=1&amp;b=2</c>, with or without a leading <c>?</c>.</summary>
    public static FormFields Parse(string? text)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        if (string.IsNullOrEmpty(text)) return new FormFields(pairs);
        foreach (var part in text.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var key = equals < 0 ? part : part[..equals];
            var value = equals < 0 ? "" : part[(equals + 1)..];
            pairs.Add(new(Decode(key), Decode(value)));
        }
        return new FormFields(pairs);
    }

    public static FormFields From(IEnumerable<KeyValuePair<string, string>> pairs) => new(pairs.ToList());

    public FormFields Concat(FormFields other) => new([.. Pairs, .. other.Pairs]);

    public FormFields Without(string name) => new(Pairs.Where(p => p.Key != name).ToList());

    private static string Decode(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));
}
