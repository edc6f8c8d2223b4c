using Platform.Inference;
using Platform.Messaging;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(PlatformServices.Inference);
builder.AddInference();
builder.AddPlatformBus();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapInference();
app.Run();
