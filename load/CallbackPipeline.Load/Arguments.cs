namespace CallbackPipeline.Load;

/// <summary><c>--name value</c> options and positional arguments.</summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string> named = new(StringComparer.Ordinal);

    public List<string> Positional { get; } = [];

    public static Arguments Parse(IEnumerable<string> args)
    {
        var result = new Arguments();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            if (e.Current.StartsWith("--", StringComparison.Ordinal))
            {
                var name = e.Current[2..];
                result.named[name] = e.MoveNext() ? e.Current : throw new ArgumentException($"--{name} needs a value");
            }
            else
            {
                result.Positional.Add(e.Current);
            }
        }
        return result;
    }

    public string Get(string name, string? fallback = null) =>
        named.TryGetValue(name, out var value) ? value
        : fallback ?? throw new ArgumentException($"--{name} is required");

    public int GetInt(string name, int fallback) => named.TryGetValue(name, out var value) ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;
}
