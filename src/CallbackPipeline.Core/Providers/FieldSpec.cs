using System.Text.Json.Nodes;

namespace CallbackPipeline.Core.Providers;

/// <summary>One setting or secret of a provider kind: its name, whether it is required, and what a valid value is.</summary>
/// <param name="Name">The JSON name.</param>
/// <param name="Required">Missing or removed is an error.</param>
/// <param name="Check">Returns an error message for an invalid value, or null.</param>
public sealed record FieldSpec(string Name, bool Required, Func<JsonNode, string?> Check)
{
    public static FieldSpec Text(string name, bool required = false, int maxLength = 500) =>
        new(name, required, node => FieldChecks.Text(node, maxLength));

    public static FieldSpec Pattern(string name, string regex, string meaning, bool required = false) =>
        new(name, required, node => FieldChecks.Pattern(node, regex, meaning));

    public static FieldSpec OneOf(string name, params string[] values) =>
        new(name, false, node => FieldChecks.OneOf(node, values));

    public static FieldSpec HttpUrl(string name, bool required = false) =>
        new(name, required, FieldChecks.HttpUrl);
}
