using Platform.Retrieval;
using Platform.Messaging;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(PlatformServices.Retrieval);
builder.AddRetrieval();
builder.AddPlatformBus();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapRetrieval();
app.Run();
