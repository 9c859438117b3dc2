using Microsoft.AspNetCore.Http.HttpResults;

namespace CallbackPipeline.Api;

/// <summary>The RFC 9457 problem bodies the API answers with.</summary>
public static class Problems
{
    public static ProblemHttpResult Unauthorized(string detail = "A valid API key is required: Authorization: Bearer <key>.") =>
        Make(StatusCodes.Status401Unauthorized, "Unauthorized", detail);

    public static ProblemHttpResult Forbidden(string detail) => Make(StatusCodes.Status403Forbidden, "Forbidden", detail);

    public static ProblemHttpResult NotFound(string detail, IDictionary<string, string[]>? errors = null) =>
        Make(StatusCodes.Status404NotFound, "Not Found", detail, errors);

    public static ProblemHttpResult Conflict(string detail, IDictionary<string, string[]>? errors = null) =>
        Make(StatusCodes.Status409Conflict, "Conflict", detail, errors);

    public static ProblemHttpResult BadRequest(string detail, IDictionary<string, string[]>? errors = null) =>
        Make(StatusCodes.Status400BadRequest, "Bad Request", detail, errors);

    public static ProblemHttpResult Validation(IDictionary<string, string[]> errors) =>
        Make(StatusCodes.Status400BadRequest, "One or more fields are invalid.", "See errors for each field.", errors);

    public static ProblemHttpResult TooLarge(int limit) =>
        Make(StatusCodes.Status413PayloadTooLarge, "Payload Too Large", $"The body is larger than {limit} bytes.");

    public static ProblemHttpResult UnsupportedMediaType(string expected) =>
        Make(StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type", $"Content-Type must be {expected}.");

    public static RetryLater Unavailable(TimeSpan retryAfter, string detail) =>
        new(Make(StatusCodes.Status503ServiceUnavailable, "Service Unavailable", detail), Seconds(retryAfter));

    public static RetryLater TooManyRequests(TimeSpan retryAfter, string detail) =>
        new(Make(StatusCodes.Status429TooManyRequests, "Too Many Requests", detail), Seconds(retryAfter));

    /// <summary><c>Retry-After</c> counts whole seconds: a wait is rounded up, and is at least 1.</summary>
    private static int Seconds(TimeSpan wait) => (int)Math.Ceiling(Math.Max(1, wait.TotalSeconds));

    private static ProblemHttpResult Make(int status, string title, string detail, IDictionary<string, string[]>? errors = null)
    {
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails
        {
            Status = status,
            Title = title,
            Detail = detail,
            Type = $"https://www.rfc-editor.org/rfc/rfc9110#status.{status}",
        };
        if (errors is not null) problem.Extensions["errors"] = errors;
        return TypedResults.Problem(problem);
    }
}
