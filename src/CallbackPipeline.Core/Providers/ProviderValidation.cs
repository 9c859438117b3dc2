using System.Text.Json.Nodes;

namespace CallbackPipeline.Core.Providers;

/// <summary>Checks a provider's complete settings and secrets against its kind, naming every problem.</summary>
public static class ProviderValidation
{
    public static Dictionary<string, string[]> Validate(ProviderKindSpec spec, JsonObject settings, JsonObject secrets)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Check("settings", spec.Settings, settings, errors);
        Check("secrets", spec.Secrets, secrets, errors);
        foreach (var group in spec.OneOfSettings)
        {
            if (group.All(name => settings[name] is null))
            {
                foreach (var name in group)
                {
                    errors.TryAdd($"settings.{name}", [$"one of {string.Join(" or ", group)} is required"]);
                }
            }
        }
        return errors;
    }

    /// <summary>Applies a patch key by key: a value replaces, <c>null</c> removes.</summary>
    public static JsonObject Merge(JsonObject current, JsonObject? patch)
    {
        var merged = (JsonObject)current.DeepClone();
        if (patch is null) return merged;
        foreach (var (name, value) in patch)
        {
            if (value is null) merged.Remove(name);
            else merged[name] = value.DeepClone();
        }
        return merged;
    }

    private static void Check(string section, IReadOnlyList<FieldSpec> fields, JsonObject values, Dictionary<string, string[]> errors)
    {
        foreach (var field in fields)
        {
            var value = values[field.Name];
            if (value is null)
            {
                if (field.Required) errors[$"{section}.{field.Name}"] = ["is required"];
            }
            else if (field.Check(value) is { } problem)
            {
                errors[$"{section}.{field.Name}"] = [problem];
            }
        }
        foreach (var (name, _) in values)
        {
            if (!fields.Any(f => f.Name == name))
            {
                errors[$"{section}.{name}"] = [$"is not a {section[..^1]} of this kind"];
            }
        }
    }
}
