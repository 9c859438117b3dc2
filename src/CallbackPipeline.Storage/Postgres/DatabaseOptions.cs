namespace CallbackPipeline.Storage.Postgres;

/// <summary>Section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Apply migrations before serving. Production can turn this off and run the <c>migrate</c> command as a job.</summary>
    public bool MigrateOnStart { get; set; } = true;
}
