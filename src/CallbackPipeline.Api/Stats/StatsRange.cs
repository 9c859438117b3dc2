using System.Globalization;

namespace CallbackPipeline.Api.Stats;

/// <summary>
/// A stats date range in the account's zone (docs/api.md): both dates omitted is the last 7 days ending today; one given
/// is the 7-day range starting (<c>from</c>) or ending (<c>to</c>) there; at most 366 days.
/// </summary>
public readonly record struct StatsRange(DateOnly From, DateOnly To)
{
    public const int DefaultDays = 7;
    public const int MaxDays = 366;

    public int Days => To.DayNumber - From.DayNumber + 1;

    public static bool TryParse(string? from, string? to, DateOnly today, out StatsRange range, out string? error)
    {
        range = default;
        error = null;
        DateOnly? start = null, end = null;
        if (from is not null)
        {
            if (!TryDate(from, out var d)) return Fail(out error, $"from '{from}' is not a date (YYYY-MM-DD)");
            start = d;
        }
        if (to is not null)
        {
            if (!TryDate(to, out var d)) return Fail(out error, $"to '{to}' is not a date (YYYY-MM-DD)");
            end = d;
        }
        (start, end) = (start, end) switch
        {
            (null, null) => (today.AddDays(1 - DefaultDays), today),
            ({ } s, null) => (s, s.AddDays(DefaultDays - 1)),
            (null, { } e) => (e.AddDays(1 - DefaultDays), e),
            _ => (start, end),
        };
        if (start > end) return Fail(out error, "from must not be after to");
        range = new StatsRange(start!.Value, end!.Value);
        return range.Days <= MaxDays || Fail(out error, $"the range must be at most {MaxDays} days");
    }

    public IEnumerable<DateOnly> Dates()
    {
        for (var d = From; d <= To; d = d.AddDays(1)) yield return d;
    }

    private static bool TryDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date)
        && date.Year is >= 2000 and <= 9998;

    private static bool Fail(out string? error, string message)
    {
        error = message;
        return false;
    }
}
