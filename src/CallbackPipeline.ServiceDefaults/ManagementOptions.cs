using System.ComponentModel.DataAnnotations;

namespace CallbackPipeline.ServiceDefaults;

/// <summary>
/// Section <c>Management</c>: when <see cref="Port"/> is set, <c>/metrics</c> and <c>/readyz</c> are served only on
/// that port (bound on <see cref="Host"/>), so the port providers call exposes nothing operational.
/// </summary>
public sealed class ManagementOptions
{
    public const string Section = "Management";

    [Range(1, 65535)]
    public int? Port { get; set; }

    [Required]
    public string Host { get; set; } = "127.0.0.1";
}
