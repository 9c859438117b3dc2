using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CallbackPipeline.IntegrationTests.Security;

/// <summary>
/// The outcomes of one fuzz run: cases per category and status, and the 4xx grouped by reason (status, problem title
/// and a short detail). Rendered as markdown for the test output and, when <c>CALLBACKPIPELINE_FUZZ_REPORT</c> names a
/// file, written there with every other section of the run, so the figures can be published.
/// </summary>
public sealed partial class FuzzReport(string title, int seed, string command)
{
    public const string FileVariable = "CALLBACKPIPELINE_FUZZ_REPORT";

    private static readonly ConcurrentDictionary<string, string> Sections = new();

    private static readonly Lock FileLock = new();

    private readonly SortedDictionary<string, SortedDictionary<int, int>> byCategory = new(StringComparer.Ordinal);

    private readonly Dictionary<(int Status, string Reason), int> byReason = [];

    public int Cases { get; private set; }

    public int ServerErrors { get; private set; }

    /// <summary>Sends the request and records its answer; a connection the server closed mid-request is recorded as status 0.</summary>
    public async Task SendAsync(HttpClient client, string category, HttpRequestMessage request)
    {
        // As real clients do with large bodies: the server can refuse one before it is sent.
        if (request.Content is not null) request.Headers.ExpectContinue = true;
        try
        {
            using var response = await client.SendAsync(request);
            await RecordAsync(category, response);
        }
        catch (HttpRequestException e) when (e.InnerException is IOException or System.Net.Sockets.SocketException)
        {
            Record(category, 0, "(connection closed by the server)");
        }
    }

    private async Task RecordAsync(string category, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        Record(category, status, status >= 400 ? Reason(await response.Content.ReadAsStringAsync()) : null);
    }

    private void Record(string category, int status, string? reason)
    {
        Cases++;
        if (status >= 500) ServerErrors++;
        var statuses = byCategory.TryGetValue(category, out var found) ? found : byCategory[category] = [];
        statuses[status] = statuses.GetValueOrDefault(status) + 1;
        if (reason is not null)
        {
            var key = (status, reason);
            byReason[key] = byReason.GetValueOrDefault(key) + 1;
        }
    }

    public string ToMarkdown()
    {
        var statuses = byCategory.Values.SelectMany(s => s.Keys).Distinct().Order().ToList();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"### {title}").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Seed {seed}, {Cases} cases, **{ServerErrors} 5xx**. Reproduce: `{command}`.").AppendLine();
        text.AppendLine("| category | cases | " + string.Join(" | ", statuses) + " |");
        text.AppendLine("|---|---:|" + string.Concat(statuses.Select(_ => "---:|")));
        foreach (var (category, counts) in byCategory)
        {
            var cells = string.Join(" | ", statuses.Select(s => counts.GetValueOrDefault(s).ToString(CultureInfo.InvariantCulture)));
            text.AppendLine(CultureInfo.InvariantCulture, $"| {category} | {counts.Values.Sum()} | {cells} |");
        }
        text.AppendLine().AppendLine("| status | reason | cases |").AppendLine("|---:|---|---:|");
        foreach (var ((status, reason), count) in byReason.OrderBy(r => r.Key.Status).ThenByDescending(r => r.Value).ThenBy(r => r.Key.Reason, StringComparer.Ordinal))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {status} | {reason} | {count} |");
        }
        return text.ToString();
    }

    /// <summary>Adds this section to the report file named by the environment, keeping the run's other sections.</summary>
    public void Publish()
    {
        Sections[title] = ToMarkdown();
        if (Environment.GetEnvironmentVariable(FileVariable) is not { Length: > 0 } path) return;
        lock (FileLock)
        {
            var file = new StringBuilder("## Fuzz report\n\n");
            foreach (var (_, section) in Sections.OrderBy(s => s.Key, StringComparer.Ordinal)) file.AppendLine(section);
            File.WriteAllText(path, file.ToString());
        }
    }

    /// <summary>The problem's title and its detail cut to a stable phrase (numbers and quoted parts blanked).</summary>
    private static string Reason(string body)
    {
        JsonNode? problem;
        try
        {
            problem = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return "(no problem body)";
        }
        if (problem is not JsonObject obj) return "(no problem body)";
        var titleText = obj["title"]?.GetValue<string>() ?? "(no title)";
        var detail = obj["detail"]?.GetValue<string>();
        if (string.IsNullOrEmpty(detail)) return titleText;
        detail = Quoted().Replace(detail, "…");
        detail = Unprintable().Replace(detail, "…");
        detail = Numbers().Replace(detail, "N");
        var cut = detail.IndexOfAny(['.', ';', '(']);
        if (cut > 0) detail = detail[..cut];
        if (detail.Length > 90) detail = detail[..90] + "…";
        return $"{titleText}: {detail.Replace("|", "\\|", StringComparison.Ordinal)}";
    }

    [GeneratedRegex("'[^']*'|\"[^\"]*\"")]
    private static partial Regex Quoted();

    [GeneratedRegex("[^\\x20-\\x7E]+")]
    private static partial Regex Unprintable();

    [GeneratedRegex(@"(?<![\w-])[0-9]+\b")]
    private static partial Regex Numbers();
}
