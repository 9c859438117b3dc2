using CallbackPipeline.Api.Hosting;
using CallbackPipeline.ServiceDefaults;
using CallbackPipeline.Storage;
using CallbackPipeline.Worker;

return await Startup.RunAsync(args, builder =>
{
    var role = HostRole.From(builder.Configuration);
    builder.AddServiceDefaults();
    builder.AddStorage();
    if (role.RunsWorker) builder.AddWorker();
    if (role.RunsApi) builder.AddApi();

    var app = builder.Build();
    app.MapServiceDefaults();
    if (role.RunsApi) app.MapApi();
    return app;
});

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
