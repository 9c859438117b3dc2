namespace CallbackPipeline.Api.Outbound;

/// <summary>An outbound request was not sent: its host resolves to no address that it may reach.</summary>
public sealed class OutboundRefusedException(string message) : Exception(message);
