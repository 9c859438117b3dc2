namespace CallbackPipeline.Api.Hosting;

/// <summary>Which parts of the pipeline this process runs: <c>all</c> (default), <c>receiver</c> or <c>worker</c>.</summary>
public sealed record HostRole(string Name)
{
    public const string Key = "Role";

    /// <summary>Serves the HTTP API: callbacks, events, management, stats, dashboard.</summary>
    public bool RunsApi => Name is "all" or "receiver";

    /// <summary>Runs the queue consumer and the flusher.</summary>
    public bool RunsWorker => Name is "all" or "worker";

    public static HostRole From(IConfiguration configuration)
    {
        var name = configuration[Key] ?? "all";
        return name is "all" or "receiver" or "worker"
            ? new HostRole(name)
            : throw new InvalidRoleException($"Role (--role or the Role setting) must be all, receiver or worker; got '{name}'.");
    }
}
