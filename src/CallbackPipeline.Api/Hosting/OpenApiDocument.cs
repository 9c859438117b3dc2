namespace CallbackPipeline.Api.Hosting;

/// <summary>
/// <c>GET /openapi/v1.json</c>: the API's OpenAPI 3.1 description, written by hand beside the code
/// (<c>OpenApi/openapi.json</c>) and held to the code by tests: every mapped route is in it, and what the host answers
/// validates against it.
/// </summary>
public static class OpenApiDocument
{
    public const string Route = "/openapi/v1.json";

    private static readonly byte[] Document = Load();

    public static WebApplication MapOpenApiDocument(this WebApplication app)
    {
        app.MapGet(Route, () => TypedResults.Bytes(Document, "application/json"));
        return app;
    }

    private static byte[] Load()
    {
        using var stream = typeof(OpenApiDocument).Assembly.GetManifestResourceStream("CallbackPipeline.Api.OpenApi.openapi.json")
            ?? throw new InvalidOperationException("The OpenAPI document is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
