using CallbackPipeline.Api.Hosting;
using CallbackPipeline.ServiceDefaults;
using CallbackPipeline.Storage;
using CallbackPipeline.Worker;

return await Startup.RunAsync(args, builder =>
{
    var role = HostRole.From(builder.Configuration);
    // The migrate command migrates and exits: it needs the stores and their settings, not a role's (no operator key).
    var serves = !Startup.Migrates(args);
    builder.AddServiceDefaults();
    builder.AddStorage();
    if (serves && role.RunsWorker) builder.AddWorker();
    if (serves && role.RunsApi) builder.AddApi();

    var app = builder.Build();
    app.MapServiceDefaults();
    if (serves && role.RunsApi) app.MapApi();
    return app;
});

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
