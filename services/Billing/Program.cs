using Platform.Billing;
using Platform.Messaging;
using Platform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(PlatformServices.Billing);
builder.AddBilling();
builder.AddPlatformBus();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapBilling();
app.Run();
