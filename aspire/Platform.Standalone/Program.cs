using Platform.Agents;
using Platform.Billing;
using Platform.CadGenerator;
using Platform.Inference;
using Platform.Ingest;
using Platform.Messaging;
using Platform.Retrieval;
using Platform.SafetyGuard;
using Platform.ServiceDefaults;
using Platform.Standalone;
using Platform.Storage;

// Standalone mode: all seven modules in one process on the in-memory bus, SQLite and local files
// under ./data. Each API keeps its own port, so the URLs are the same as in distributed mode.
var builder = WebApplication.CreateBuilder(args);

var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
var adminKeySource = "Auth__AdminKey";
if (string.IsNullOrEmpty(builder.Configuration["Auth:AdminKey"]))
{
    (builder.Configuration["Auth:AdminKey"], adminKeySource) = AdminKeyFile.LoadOrCreate(storage.DataDirectory);
}

var standalone = builder.Configuration.GetSection(StandaloneOptions.SectionName).Get<StandaloneOptions>() ?? new StandaloneOptions();
builder.WebHost.UseUrls([.. PlatformServices.All.Select(s => $"http://{standalone.BindAddress}:{standalone.PortOf(s)}")]);

builder.AddServiceDefaults("standalone", singleService: false);
builder.AddIngest();
builder.AddRetrieval();
builder.AddInference();
builder.AddAgents();
builder.AddBilling();
builder.AddSafetyGuard();
builder.AddCadGenerator();
builder.AddPlatformBus();

// One OpenAPI document per service, holding the endpoints of its module (grouped by service name).
foreach (var service in PlatformServices.All)
{
    builder.Services.AddOpenApi(service);
}

var app = builder.Build();

var serviceByPort = new Dictionary<int, string>();
foreach (var service in PlatformServices.All)
{
    // Each API needs a port of its own: its OpenAPI document is chosen by the port a request came in on.
    if (!serviceByPort.TryAdd(standalone.PortOf(service), service))
    {
        throw new InvalidOperationException(
            $"Standalone:Ports: {serviceByPort[standalone.PortOf(service)]} and {service} are both on port {standalone.PortOf(service)}; give each service its own port.");
    }
}

// Each port serves its service's document at the usual /openapi/v1.json.
app.Use((context, next) =>
{
    if (context.Request.Path == "/openapi/v1.json" && serviceByPort.TryGetValue(context.Connection.LocalPort, out var service))
    {
        context.Request.Path = $"/openapi/{service}.json";
    }

    return next(context);
});
app.UseRouting();
app.UseServiceDefaults();
app.MapDefaultEndpoints(singleService: false);
app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();

string Port(string service) => $"*:{standalone.PortOf(service)}";
app.MapIngest().RequireHost(Port(PlatformServices.Ingest));
app.MapRetrieval().RequireHost(Port(PlatformServices.Retrieval));
app.MapInference().RequireHost(Port(PlatformServices.Inference));
app.MapAgents().RequireHost(Port(PlatformServices.Agents));
app.MapBilling().RequireHost(Port(PlatformServices.Billing));
app.MapSafetyGuard().RequireHost(Port(PlatformServices.SafetyGuard));
app.MapCadGenerator().RequireHost(Port(PlatformServices.CadGenerator));

app.Lifetime.ApplicationStarted.Register(() =>
{
    // Printed, not logged: this is the first thing a new user reads.
    Console.WriteLine();
    Console.WriteLine("Platform (standalone) is running. APIs:");
    foreach (var service in PlatformServices.All)
    {
        var url = $"http://{standalone.BindAddress}:{standalone.PortOf(service)}";
        Console.WriteLine($"  {service,-13} {url,-24} OpenAPI {url}/openapi/v1.json");
    }

    Console.WriteLine($"Admin key: {adminKeySource}");
    Console.WriteLine($"Data: {Path.GetFullPath(storage.DataDirectory)} (SQLite, in-memory bus). Ctrl+C stops.");
    Console.WriteLine();
});

app.Run();
