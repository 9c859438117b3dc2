using System.Globalization;

namespace CallbackPipeline.Api.Stats;

/// <summary>
/// A stats date range in the account's zone (docs/api.md): both dates omitted is the last 7 days ending today; one given
/// is the 7-day range starting (<c>from</c>) or ending (<c>to</c>) there; at most 366 days. A date a request names lies
/// between <see cref="Earliest"/> and <see cref="Latest"/>; a 7-day range from or to it may reach a few days past them.
/// </summary>
public readonly record struct StatsRange(DateOnly From, DateOnly To)
{
    public const int DefaultDays = 7;
    public const int MaxDays = 366;

    public static readonly DateOnly Earliest = new(2000, 1, 1);

    /// <summary>The last date a request may name: a 7-day range from it still ends in a year of four digits.</summary>
    public static readonly DateOnly Latest = new(9998, 12, 31);

    public int Days => To.DayNumber - From.DayNumber + 1;

    /// <summary>
    /// Adds to <paramref name="errors"/> what is wrong with <c>from</c> and <c>to</c>, by query parameter. Nothing here
    /// depends on the account's today: a date left out is never wrong, and two dates given are checked against each other.
    /// </summary>
    public static void Check(string? from, string? to, IDictionary<string, string[]> errors)
    {
        var start = Date("from", from, errors);
        var end = Date("to", to, errors);
        if (start is not { } s || end is not { } e) return;
        var both = s > e ? "from must not be after to"
            : e.DayNumber - s.DayNumber + 1 > MaxDays ? $"the range must be at most {MaxDays} days"
            : null;
        if (both is null) return;
        errors["from"] = [both];
        errors["to"] = [both];
    }

    /// <summary>The range a request names, or the field errors of <see cref="Check"/>.</summary>
    public static bool TryParse(string? from, string? to, DateOnly today, out StatsRange range, out Dictionary<string, string[]> errors)
    {
        errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Check(from, to, errors);
        range = errors.Count == 0 ? Resolve(from, to, today) : default;
        return errors.Count == 0;
    }

    /// <summary>The range that dates <see cref="Check"/> accepted name on <paramref name="today"/>.</summary>
    public static StatsRange Resolve(string? from, string? to, DateOnly today) => (Parse(from), Parse(to)) switch
    {
        (null, null) => new(today.AddDays(1 - DefaultDays), today),
        ({ } s, null) => new(s, s.AddDays(DefaultDays - 1)),
        (null, { } e) => new(e.AddDays(1 - DefaultDays), e),
        ({ } s, { } e) => new(s, e),
    };

    public IEnumerable<DateOnly> Dates()
    {
        for (var d = From; d <= To; d = d.AddDays(1)) yield return d;
    }

    private static DateOnly? Date(string name, string? text, IDictionary<string, string[]> errors)
    {
        if (text is null) return null;
        if (Parse(text) is not { } date)
        {
            errors[name] = [$"'{text}' is not a date (YYYY-MM-DD)"];
            return null;
        }
        if (date < Earliest || date > Latest)
        {
            errors[name] = [$"must be from {Earliest:yyyy-MM-dd} to {Latest:yyyy-MM-dd}"];
            return null;
        }
        return date;
    }

    private static DateOnly? Parse(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
