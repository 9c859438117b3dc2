using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;

namespace CallbackPipeline.IntegrationTests.Infrastructure;

/// <summary>
/// The host's OpenAPI document as an API consumer reads it: its operations, and JSON Schema evaluation of any value
/// against any schema in it (by JSON Pointer), with its references resolved inside the document.
/// </summary>
public sealed class ApiDescription
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    /// <summary>JSON Schema 2020-12, which OpenAPI 3.1 schemas are, with OpenAPI's own annotations (example, discriminator) let through.</summary>
    private static readonly BuildOptions Build = new() { Dialect = Dialect.Draft202012.With([], allowUnknownKeywords: true) };
    private readonly Uri baseUri = new($"https://openapi.test/{Guid.NewGuid():N}/v1.json");

    public ApiDescription(string json)
    {
        Document = JsonNode.Parse(json)!.AsObject();
        SchemaRegistry.Global.Register(baseUri, new JsonElementBaseDocument(JsonDocument.Parse(json).RootElement.Clone(), baseUri));
        Operations = [.. Document["paths"]!.AsObject().SelectMany(path => Methods
            .Where(m => path.Value![m] is not null)
            .Select(m => new Operation(path.Key, m.ToUpperInvariant(), path.Value![m]!.AsObject(), $"/paths/{Escape(path.Key)}/{m}")))];
    }

    public JsonObject Document { get; }

    public IReadOnlyList<Operation> Operations { get; }

    /// <summary>The operation whose path template matches <paramref name="path"/> for <paramref name="method"/>.</summary>
    public Operation? Find(string method, string path) =>
        Operations.FirstOrDefault(o => o.Method == method && Regex.IsMatch(path, "^" + Regex.Replace(o.Path, @"\{[^}]+\}", "[^/]+") + "$"));

    /// <summary>The problems of <paramref name="value"/> against the schema at <paramref name="pointer"/>; empty when valid.</summary>
    public IReadOnlyList<string> Problems(JsonNode? value, string pointer)
    {
        // A fragment's '+' would be read as a space.
        var schema = JsonSchema.FromText($$"""{"$ref": "{{baseUri}}#{{pointer.Replace("+", "%2B", StringComparison.Ordinal)}}"}""", Build);
        var result = schema.Evaluate(JsonSerializer.SerializeToElement(value), new EvaluationOptions { OutputFormat = OutputFormat.List });
        return result.IsValid
            ? []
            : [.. (result.Details ?? []).Where(d => d.Errors is { Count: > 0 }).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.SchemaLocation}): {e.Value}"))];
    }

    /// <summary>A JSON Pointer's escaping of one reference token.</summary>
    public static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    public sealed record Operation(string Path, string Method, JsonObject Node, string Pointer)
    {
        public override string ToString() => $"{Method} {Path}";
    }
}
