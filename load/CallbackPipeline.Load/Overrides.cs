using System.Globalization;

namespace CallbackPipeline.Load;

/// <summary>
/// What the <c>run</c> flags change in a scenario file, so a script sets a rate or a duration without editing the file:
/// <c>--rate NAME=N[,NAME=N]</c> (the rate of that scenario's inject simulations), <c>--during D</c> (every load
/// simulation's duration: seconds, or hh:mm:ss), <c>--retries N</c> and <c>--fail-percent P</c> (every scenario).
/// </summary>
public static class Overrides
{
    public static ScenarioFile Apply(ScenarioFile file, Arguments args)
    {
        var rates = args.Get("rate", "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(p => p[0], p => p.Length == 2 && int.TryParse(p[1], CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new ArgumentException($"--rate takes NAME=N with N > 0; got '{string.Join('=', p)}'"), StringComparer.Ordinal);
        foreach (var name in rates.Keys.Where(n => file.Scenarios.All(s => s.Name != n)))
        {
            throw new ArgumentException($"--rate names scenario '{name}', which {file.Name} does not have ({string.Join(", ", file.Scenarios.Select(s => s.Name))})");
        }
        TimeSpan? during = args.Get("during", "") is { Length: > 0 } text ? Duration(text) : null;
        int? retries = args.Get("retries", "") is { Length: > 0 } r ? int.Parse(r, CultureInfo.InvariantCulture) : null;
        double? failPercent = args.Get("fail-percent", "") is { Length: > 0 } f ? double.Parse(f, CultureInfo.InvariantCulture) : null;

        return file with
        {
            Scenarios = [.. file.Scenarios.Select(s => s with
            {
                LoadSimulations = [.. s.LoadSimulations.Select(l => l with
                {
                    Rate = rates.TryGetValue(s.Name, out var rate) && l.Type != SimulationType.KeepConstant ? rate : l.Rate,
                    During = during ?? l.During,
                })],
                Retries = retries ?? s.Retries,
                Thresholds = failPercent is null ? s.Thresholds : (s.Thresholds ?? new Thresholds()) with { FailPercent = failPercent },
            })],
        };
    }

    private static TimeSpan Duration(string text) =>
        int.TryParse(text, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds)
        : TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) ? span
        : throw new ArgumentException($"--during takes seconds or hh:mm:ss; got '{text}'");
}
