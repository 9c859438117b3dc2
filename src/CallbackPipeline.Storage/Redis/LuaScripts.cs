namespace CallbackPipeline.Storage.Redis;

/// <summary>
/// The embedded Lua scripts. StackExchange.Redis sends a script's SHA after its first use (EVALSHA),
/// so passing the text on every call costs nothing on the wire.
/// </summary>
public static class LuaScripts
{
    public static readonly string Count = Load("count.lua");
    public static readonly string CutBatch = Load("cut_batch.lua");
    public static readonly string DropBatch = Load("drop_batch.lua");
    public static readonly string ReadDeltas = Load("read_deltas.lua");
    public static readonly string Forget = Load("forget.lua");
    public static readonly string AckAndDelete = Load("ack_delete.lua");
    public static readonly string FlushClaim = Load("flush_claim.lua");
    public static readonly string FlushRelease = Load("flush_release.lua");

    private static string Load(string name)
    {
        using var stream = typeof(LuaScripts).Assembly.GetManifestResourceStream($"CallbackPipeline.Storage.Scripts.{name}")
            ?? throw new InvalidOperationException($"Script {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
