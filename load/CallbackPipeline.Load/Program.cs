using CallbackPipeline.Load;

var verb = args.FirstOrDefault();
var options = Arguments.Parse(args.Skip(1));
return verb switch
{
    "run" => await RunCommand.RunAsync(options),
    "drain" => await RedisCommands.DrainAsync(options),
    "dedup-memory" => await RedisCommands.DedupMemoryAsync(options),
    "keys" => RedisCommands.Keys(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage:
          run <scenario.json> --target http://127.0.0.1:8080 --operator-key KEY [--reports load/reports] [--host-pid PID] [--verify-timeout 60]
              [--rate NAME=N[,NAME=N]] [--during SECONDS|hh:mm:ss] [--retries N] [--fail-percent P] [--status FILE] [--result FILE]
          drain --redis 127.0.0.1:16379 --prefix cbp --events 1000000 [--per-message 100] [--earlier-generations 2] [--dedup-generations 2] [--mix delivered|insights] [--status FILE]
          dedup-memory --redis 127.0.0.1:16379 [--records 1000000] [--mix delivered|insights]
          keys [--prefix cbp]
        """);
    return 2;
}
