using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Console;

namespace CallbackPipeline.ServiceDefaults;

/// <summary>
/// Console logs a log shipper can take line by line: one line per entry, each starting with its UTC time (ISO 8601,
/// milliseconds). <c>Logging:Console:FormatterName</c> <c>json</c> (environment <c>Logging__Console__FormatterName</c>)
/// writes each entry as one JSON object instead, with its timestamp, category, event id, message and fields.
/// </summary>
public static class ConsoleLogs
{
    private const string Timestamp = "yyyy-MM-ddTHH:mm:ss.fffZ";

    public static IHostApplicationBuilder AddConsoleLogs(this IHostApplicationBuilder builder)
    {
        // Named, not left to the console's legacy options, which would override the formatter's own.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.FormatterName ??= ConsoleFormatterNames.Simple);
        builder.Services.Configure<SimpleConsoleFormatterOptions>(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat ??= Timestamp + " ";
            o.UseUtcTimestamp = true;
        });
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.TimestampFormat ??= Timestamp;
            o.UseUtcTimestamp = true;
        });
        return builder;
    }
}
