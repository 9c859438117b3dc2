using System.Text.Json;

namespace CallbackPipeline.Load;

/// <summary>
/// <c>--status FILE</c>: the run's phase as a one-line JSON object, rewritten whole (atomically) at each change, for a
/// script to wait on with <c>jq -r .phase</c>: <c>setup</c>, <c>load</c> (set-up is done and requests are going out:
/// the readiness signal), <c>verifying</c> (the load is over), <c>done</c> (with <c>passed</c>). <c>drain</c> uses
/// <c>filled</c> (the queue is full: start the worker) and <c>done</c>.
/// </summary>
public sealed class StatusFile(string? path)
{
    public void Write(string phase, bool? passed = null)
    {
        if (path is null) return;
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new { phase, passed, at = DateTimeOffset.UtcNow }) + "\n");
        File.Move(temporary, path, overwrite: true);
    }
}
