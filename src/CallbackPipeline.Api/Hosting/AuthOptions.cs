using System.ComponentModel.DataAnnotations;

namespace CallbackPipeline.Api.Hosting;

/// <summary>Section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The operator key that manages accounts and their keys. Never logged.</summary>
    [Required(ErrorMessage = "Auth:OperatorKey is required (environment Auth__OperatorKey).")]
    [MinLength(24, ErrorMessage = "Auth:OperatorKey must be at least 24 characters.")]
    public string OperatorKey { get; set; } = "";
}
