using Platform.Billing.Accounts;
using Platform.Billing.Alerts;
using Platform.Billing.Api;
using Platform.Billing.Ledger;
using Platform.Billing.Messaging;
using Platform.Billing.Prices;
using Platform.Billing.Storage;
using Platform.Billing.Usage;
using Platform.Events;
using Platform.Messaging;
using Platform.Messaging.Outbox;
using Platform.ServiceDefaults;
using Platform.ServiceDefaults.Security;
using Platform.Storage;

namespace Platform.Billing;

/// <summary>
/// Billing: accounts and API keys, the two-phase ledger (group-committed by one writer), prices and usage.
/// Every host that runs Billing calls <see cref="AddBilling"/> and <see cref="MapBilling"/>. Billing also
/// hosts the events module (CloudEvents, topics, webhooks: shared/Platform.Events), because webhooks
/// belong to accounts; the standalone host gets it through this module too.
/// </summary>
public static class BillingModule
{
    public const string Name = PlatformServices.Billing;

    public static IHostApplicationBuilder AddBilling(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(Name, BillingMigrations.All);
        builder.Services.Configure<BillingOptions>(builder.Configuration.GetSection(BillingOptions.SectionName));
        builder.Services.AddSingleton<AccountStore>();
        // Billing owns the keys, so it resolves them from its store instead of asking itself over the bus.
        builder.Services.AddScoped<IApiKeyResolver, StoreApiKeyResolver>();

        builder.Services.AddSingleton<ILedgerStore>(services =>
        {
            var database = services.GetRequiredKeyedService<Database>(Name);
            var clock = services.GetRequiredService<TimeProvider>();
            // The ledger's integration events are written through Billing's outbox in each batch's transaction.
            var outbox = services.GetRequiredService<TransactionalOutbox>();
            return database.IsPostgres ? new PostgresLedgerStore(database, clock, outbox) : new SqliteLedgerStore(database, clock, outbox);
        });
        builder.Services.AddBusOutbox(Name);
        builder.Services.AddSingleton<LowBalanceAlertStore>();
        builder.AddEvents(Name);
        builder.Services.AddSingleton<LedgerBatcher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<LedgerBatcher>());
        builder.Services.AddSingleton<ExpirySweeper>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ExpirySweeper>());
        builder.Services.AddSingleton<PriceStore>();
        builder.Services.AddSingleton<UsageRecorder>();
        builder.Services.AddSingleton<UsageStore>();
        builder.Services.AddSingleton<StatementBuilder>();
        builder.Services.AddSingleton<LedgerMessageHandler>();

        builder.Services.AddBusRegistrations(bus =>
        {
            bus.AddConsumer<ResolveApiKeyConsumer>();
            bus.AddConsumer<ReserveCreditsConsumer>();
            bus.AddConsumer<CaptureCreditsConsumer>();
            bus.AddConsumer<ReserveCreditsBatchConsumer>();
            bus.AddConsumer<CaptureCreditsBatchConsumer>();
            bus.AddConsumer<ReleaseCreditsConsumer>();
            bus.AddConsumer<RecordUsageConsumer>();
        });
        return builder;
    }

    public static RouteGroupBuilder MapBilling(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("").WithGroupName(Name);
        api.MapAccountsApi();
        api.MapLedgerApi();
        api.MapUsageApi();
        api.MapPricesApi();
        api.MapAlertsApi();
        api.MapEvents();
        return api;
    }
}
