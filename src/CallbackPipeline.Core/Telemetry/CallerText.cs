using System.Globalization;
using System.Text;

namespace CallbackPipeline.Core.Telemetry;

/// <summary>
/// A value a caller chose (a path segment, a header, an id that may not exist), made safe for one log line when it is
/// written: at most <see cref="MaxLength"/> characters, and control, line- and paragraph-separator and format
/// characters escaped as <c>\uXXXX</c>, so a caller can neither forge a line nor flood the log. Nothing is done unless
/// the line is written.
/// </summary>
public readonly struct CallerText(string? value)
{
    public const int MaxLength = 100;

    public override string ToString() => Escape(value);

    public static string Escape(string? value)
    {
        if (value is null) return "";
        var text = new StringBuilder(Math.Min(value.Length, MaxLength) + 24);
        foreach (var c in value.AsSpan(0, Math.Min(value.Length, MaxLength)))
        {
            if (char.GetUnicodeCategory(c) is UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Format)
            {
                text.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
            }
            else
            {
                text.Append(c);
            }
        }
        if (value.Length > MaxLength) text.Append(CultureInfo.InvariantCulture, $"…({value.Length} characters)");
        return text.ToString();
    }
}
