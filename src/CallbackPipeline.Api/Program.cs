using CallbackPipeline.Api.Hosting;
using CallbackPipeline.ServiceDefaults;
using CallbackPipeline.Storage;
using CallbackPipeline.Worker;

var builder = WebApplication.CreateBuilder(args);
var role = HostRole.From(builder.Configuration);

builder.AddServiceDefaults();
builder.AddStorage();
if (role.RunsWorker) builder.AddWorker();
if (role.RunsApi) builder.AddApi();

var app = builder.Build();
app.MapServiceDefaults();
if (role.RunsApi) app.MapApi();

return await Startup.RunAsync(app, args);

/// <summary>The entry point, visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
