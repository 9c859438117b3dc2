using System.ComponentModel.DataAnnotations;

namespace CallbackPipeline.Storage;

/// <summary>
/// <c>ConnectionStrings:redis</c> and <c>ConnectionStrings:postgres</c>, both required, and <c>ConnectionStrings:servicebus</c>,
/// required when the queue is on Service Bus.
/// </summary>
public sealed class ConnectionOptions
{
    [Required(ErrorMessage = "ConnectionStrings:redis is required (e.g. 127.0.0.1:6379).")]
    public string? Redis { get; set; }

    [Required(ErrorMessage = "ConnectionStrings:postgres is required (e.g. Host=127.0.0.1;Username=postgres;Database=callbackpipeline).")]
    public string? Postgres { get; set; }

    /// <summary>A Service Bus connection string whose policy has Send, Listen and Manage (Manage reads the queue's depth).</summary>
    public string? ServiceBus { get; set; }
}
