using System.ComponentModel.DataAnnotations;

namespace CallbackPipeline.ServiceDefaults;

/// <summary>
/// Section <c>Management</c>: when <see cref="Port"/> is set, the host also listens there (on <see cref="Host"/>), and
/// that port serves <c>/healthz</c>, <c>/readyz</c> and <c>/metrics</c> and nothing else, while the port providers
/// call serves everything but <c>/readyz</c> and <c>/metrics</c>.
/// </summary>
public sealed class ManagementOptions
{
    public const string Section = "Management";

    [Range(1, 65535)]
    public int? Port { get; set; }

    [Required]
    public string Host { get; set; } = "127.0.0.1";
}
