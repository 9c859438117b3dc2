using System.Collections.Frozen;
using PhoneNumbers;

namespace CallbackPipeline.Core.Insights;

/// <summary>
/// The destination countries insights count by: every ISO 3166-1 alpha-2 code, and the regions libphonenumber gives
/// numbers that have none (AC, TA, XK). A country travels and is stored as its index here, so the order is fixed
/// forever: a code that must be added goes at the end. Index 0 is <see cref="Unknown"/>.
/// </summary>
public static class Countries
{
    public const string Unknown = "unknown";

    private static readonly string[] Codes =
    [
        Unknown,
        "AC", "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ", "BA",
        "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS", "BT", "BV", "BW",
        "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW",
        "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ",
        "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR",
        "GS", "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ",
        "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ",
        "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH",
        "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC",
        "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL",
        "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC", "SD", "SE",
        "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV", "SX", "SY", "SZ", "TA", "TC",
        "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM",
        "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "XK", "YE", "YT", "ZA", "ZM", "ZW",
    ];

    private static readonly FrozenDictionary<string, byte> Indexes =
        Codes.Select((code, i) => (code, i)).ToFrozenDictionary(p => p.code, p => (byte)p.i, StringComparer.Ordinal);

    /// <summary>How many there are, <see cref="Unknown"/> included: at most 256, so an index is one byte.</summary>
    public static int Count => Codes.Length;

    /// <summary>The code (<c>IN</c>) or <see cref="Unknown"/> of an index.</summary>
    public static string Code(int index) => index >= 0 && index < Codes.Length ? Codes[index] : Unknown;

    /// <summary>The index of a code; 0 (unknown) for anything else.</summary>
    public static byte Index(string? code) => code is not null && Indexes.TryGetValue(code, out var index) ? index : (byte)0;

    /// <summary>Whether <paramref name="code"/> is an upper-case code of the table (<see cref="Unknown"/> is not).</summary>
    public static bool IsCountry(string? code) => code is not null && code != Unknown && Indexes.ContainsKey(code);

    /// <summary>
    /// The country of a phone number in E.164 form, its <c>+</c> optional (providers write <c>919812345678</c> as
    /// well as <c>+919812345678</c>): its region by libphonenumber, or for a number no region claims (a reserved
    /// range) the main region of its country calling code; null when it is not a phone number.
    /// </summary>
    public static string? OfNumber(string? number)
    {
        if (string.IsNullOrWhiteSpace(number)) return null;
        var text = number.Trim();
        if (text.Length > 20) return null;
        var util = PhoneNumberUtil.GetInstance();
        try
        {
            var parsed = util.Parse(text[0] == '+' ? text : "+" + text, null);
            var region = util.GetRegionCodeForNumber(parsed) ?? util.GetRegionCodeForCountryCode(parsed.CountryCode);
            return IsCountry(region) ? region : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }
}
