using Platform.Billing.Accounts;
using Platform.Billing.Api;
using Platform.Billing.Messaging;
using Platform.Billing.Storage;
using Platform.Messaging;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Security;
using Platform.Storage;

namespace Platform.Billing;

/// <summary>
/// Billing: accounts and API keys (and, as it grows, prices and the ledger).
/// Every host that runs Billing calls <see cref="AddBilling"/> and <see cref="MapBilling"/>.
/// </summary>
public static class BillingModule
{
    public const string Name = PlatformServices.Billing;

    public static IHostApplicationBuilder AddBilling(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(Name, BillingMigrations.All);
        builder.Services.AddSingleton<AccountStore>();
        // Billing owns the keys, so it resolves them from its store instead of asking itself over the bus.
        builder.Services.AddScoped<IApiKeyResolver, StoreApiKeyResolver>();
        builder.Services.AddBusRegistrations(bus => bus.AddConsumer<ResolveApiKeyConsumer>());
        return builder;
    }

    public static RouteGroupBuilder MapBilling(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("").WithGroupName(Name);
        api.MapAccountsApi();
        return api;
    }
}
