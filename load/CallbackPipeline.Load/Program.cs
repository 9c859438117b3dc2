using CallbackPipeline.Load;

var verb = args.FirstOrDefault();
var options = Arguments.Parse(args.Skip(1));
return verb switch
{
    "run" => await RunCommand.RunAsync(options),
    "drain" => await RedisCommands.DrainAsync(options),
    "dedup-memory" => await RedisCommands.DedupMemoryAsync(options),
    "keys" => RedisCommands.Keys(options),
    "providers" => await ProvidersCommand.CreateAsync(options),
    "naive-receiver" => await NaiveReceiver.RunAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage:
          run <scenario.json> --target http://127.0.0.1:8080 --operator-key KEY [--reports load/reports] [--host-pid PID] [--verify-timeout 60]
              [--rate NAME=N[,NAME=N]] [--during SECONDS|hh:mm:ss] [--retries N] [--fail-percent P] [--status FILE] [--result FILE]
          drain --redis 127.0.0.1:16379 --prefix cbp --target http://127.0.0.1:8080 --operator-key KEY --events 1000000 [--per-message 100] [--earlier-generations 2] [--dedup-generations 2] [--mix delivered|insights] [--status FILE]
          dedup-memory --redis 127.0.0.1:16379 [--records 1000000] [--mix delivered|insights]
          keys [--prefix cbp]
          providers --target http://127.0.0.1:8080 --operator-key KEY [--count 1000] [--concurrency 16]
          naive-receiver --redis 127.0.0.1:16379 --token TOKEN [--port 39090]
        """);
    return 2;
}
