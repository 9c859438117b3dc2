using System.Collections.Frozen;
using CallbackPipeline.Core.Providers;

namespace CallbackPipeline.Core.Insights;

/// <summary>
/// What each provider kind's error codes mean: a category and a description, from the providers' published lists
/// (<c>failure-codes.tsv</c> beside this file, one row per code with the page it comes from). A code the table lacks
/// is <see cref="FailureCategories.Unknown"/>.
/// </summary>
public static class FailureCodes
{
    /// <summary>A failed event that carried no code.</summary>
    public const string None = "none";

    /// <summary>Every code past the first <see cref="MaxPerDay"/> of a provider's day.</summary>
    public const string Other = "other";

    /// <summary>Distinct codes kept per provider and day.</summary>
    public const int MaxPerDay = 100;

    /// <summary>The longest code kept; a longer one is cut, as providers' codes are short.</summary>
    public const int MaxCodeLength = 32;

    /// <summary>The longest description kept.</summary>
    public const int MaxDescriptionLength = 200;

    private static readonly FrozenDictionary<(ProviderKind, string), (string Category, string? Description)> Table = Load();

    /// <summary>
    /// The category and the table's description of a code of a kind: <c>unknown</c> and null when the table lacks it;
    /// a null description too for a code the provider describes itself (CleverTap's 900, any other error).
    /// </summary>
    public static (string Category, string? Description) Lookup(ProviderKind kind, string code) =>
        Table.TryGetValue((kind, code), out var row) ? (row.Category, row.Description) : (FailureCategories.Unknown, null);

    /// <summary>The code a failed event counts under: trimmed and capped, <see cref="None"/> when it carried none.</summary>
    public static string Normalize(string? code)
    {
        var trimmed = code?.Trim();
        if (string.IsNullOrEmpty(trimmed)) return None;
        var kept = trimmed.Length > MaxCodeLength ? trimmed[..MaxCodeLength] : trimmed;
        return string.Concat(kept.Select(c => char.IsControl(c) ? '?' : c));
    }

    /// <summary>A description as kept: trimmed and capped; null when empty.</summary>
    public static string? NormalizeDescription(string? description)
    {
        var trimmed = description?.Trim();
        if (string.IsNullOrEmpty(trimmed)) return null;
        var kept = trimmed.Length > MaxDescriptionLength ? trimmed[..MaxDescriptionLength] : trimmed;
        return string.Concat(kept.Select(c => char.IsControl(c) ? ' ' : c));
    }

    private static FrozenDictionary<(ProviderKind, string), (string, string?)> Load()
    {
        using var stream = typeof(FailureCodes).Assembly.GetManifestResourceStream("CallbackPipeline.Core.Insights.failure-codes.tsv")
            ?? throw new InvalidOperationException("failure-codes.tsv is not embedded.");
        using var reader = new StreamReader(stream);
        var rows = new Dictionary<(ProviderKind, string), (string, string?)>();
        reader.ReadLine();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0) continue;
            var cells = line.Split('\t');
            if (cells.Length < 4 || !ProviderKindSpec.TryParse(cells[0], out var kind) || !FailureCategories.All.Contains(cells[2]))
            {
                throw new InvalidOperationException($"failure-codes.tsv: a bad row: {line}");
            }
            rows.Add((kind, cells[1]), (cells[2], cells[3].Length == 0 ? null : cells[3]));
        }
        return rows.ToFrozenDictionary();
    }
}
