namespace CallbackPipeline.Api;

/// <summary>The rule for every display name (accounts, keys, providers): 1 to 100 characters once trimmed, no control characters.</summary>
public static class Names
{
    public static void Check(string? name, Dictionary<string, string[]> errors, bool required)
    {
        if (name is null)
        {
            if (required) errors["name"] = ["is required"];
        }
        else if (name.Trim().Length is 0 or > 100)
        {
            errors["name"] = ["must be 1 to 100 characters"];
        }
        else if (name.Any(char.IsControl))
        {
            errors["name"] = ["must not contain control characters (line breaks, NUL, ...)"];
        }
    }
}
