using Platform.CadGenerator;
using Platform.Messaging;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(PlatformServices.CadGenerator);
builder.AddCadGenerator();
builder.AddPlatformBus();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapCadGenerator();
app.Run();
