using Platform.Ingest;
using Platform.Messaging;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(PlatformServices.Ingest);
builder.AddIngest();
builder.AddPlatformBus();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapIngest();
app.Run();
