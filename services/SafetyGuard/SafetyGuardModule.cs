using Platform.Messaging;
using Platform.SafetyGuard.Actions;
using Platform.SafetyGuard.Api;
using Platform.SafetyGuard.Audit;
using Platform.SafetyGuard.Classifiers;
using Platform.SafetyGuard.Decisions;
using Platform.SafetyGuard.Detectors;
using Platform.SafetyGuard.Messaging;
using Platform.SafetyGuard.Policies;
using Platform.SafetyGuard.Storage;
using Platform.SafetyGuard.Text;
using Platform.ServiceDefaults;
using Platform.Storage;

namespace Platform.SafetyGuard;

/// <summary>
/// SafetyGuard. Every host that runs it calls <see cref="AddSafetyGuard"/> and <see cref="MapSafetyGuard"/>.
/// </summary>
public static class SafetyGuardModule
{
    public const string Name = PlatformServices.SafetyGuard;

    public static IHostApplicationBuilder AddSafetyGuard(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SafetyGuardOptions.SectionName).Get<SafetyGuardOptions>() ?? new SafetyGuardOptions();
        if (options.MaxTextChars < 1)
        {
            throw new InvalidOperationException($"{SafetyGuardOptions.SectionName}:MaxTextChars must be at least 1.");
        }

        if (options.Audit.MaxBatchSize < 1 || options.Audit.QueueCapacity < 1)
        {
            throw new InvalidOperationException($"{SafetyGuardOptions.SectionName}:Audit:MaxBatchSize and :QueueCapacity must be at least 1.");
        }

        builder.AddServiceDatabase(Name, SafetyGuardMigrations.All);
        builder.Services.AddBusOutbox(Name);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(DetectorSet.Default);
        // Loaded at start-up (not on the first check): a missing model file stops the service with its path.
        builder.Services.AddSingleton(_ => PromptClassifiers.Load(options.ModelDirectory));
        builder.Services.AddSingleton<PromptGuard>();
        builder.Services.AddSingleton<DecisionLog>();
        builder.Services.AddSingleton<AuditWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuditWriter>());
        builder.Services.AddSingleton<DecisionRecorder>();
        builder.Services.AddSingleton<PolicyStore>();
        builder.Services.AddSingleton<PromptChecks>();
        builder.Services.AddSingleton<ActionChecks>();
        builder.Services.AddBusRegistrations(bus =>
        {
            bus.AddConsumer<CheckPromptConsumer>();
            bus.AddConsumer<CheckActionConsumer>();
        });
        return builder;
    }

    public static RouteGroupBuilder MapSafetyGuard(this IEndpointRouteBuilder endpoints)
    {
        var logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SafetyGuardModule));
        if (!TextNormalizer.IsUnicodeNormalizationAvailable)
        {
            // Invariant globalization (or a missing ICU) turns NFKC into a no-op; detection still runs but
            // only fullwidth ASCII and homoglyphs are folded, so the operator must know.
            logger.LogWarning("Unicode normalisation is unavailable in this process (invariant globalization or no ICU); SafetyGuard folds fullwidth ASCII and homoglyphs only");
        }

        // Resolve now so model or default-policy problems stop the start, not the first request.
        endpoints.ServiceProvider.GetRequiredService<PromptGuard>();
        _ = GuardPolicy.Default;

        var api = endpoints.MapGroup("").WithGroupName(Name);
        api.MapCheckApi();
        api.MapPoliciesApi();
        api.MapDecisionsApi();
        return api;
    }
}
