namespace CallbackPipeline.Api.Hosting;

/// <summary>Section <c>Load</c>: what load measurements need and production never turns on.</summary>
public sealed class LoadOptions
{
    public const string Section = "Load";

    /// <summary>Serve <c>POST /baseline</c> (<see cref="BaselineEndpoint"/>).</summary>
    public bool BaselineEndpoint { get; set; }
}
