namespace CallbackPipeline.Api.Hosting;

/// <summary>The <c>Role</c> setting names no role: start-up ends with exit code 2.</summary>
public sealed class InvalidRoleException(string message) : Exception(message);
