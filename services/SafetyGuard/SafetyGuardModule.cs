using Platform.SafetyGuard.Api;
using Platform.SafetyGuard.Audit;
using Platform.SafetyGuard.Decisions;
using Platform.SafetyGuard.Detectors;
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

        builder.AddServiceDatabase(Name, SafetyGuardMigrations.All);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(DetectorSet.Default);
        builder.Services.AddSingleton(PromptPolicy.Default);
        builder.Services.AddSingleton<PromptGuard>();
        builder.Services.AddSingleton<DecisionLog>();
        builder.Services.AddSingleton<PromptChecks>();
        return builder;
    }

    public static RouteGroupBuilder MapSafetyGuard(this IEndpointRouteBuilder endpoints)
    {
        if (!TextNormalizer.IsUnicodeNormalizationAvailable)
        {
            // Invariant globalization (or a missing ICU) turns NFKC into a no-op; detection still runs but
            // only fullwidth ASCII is folded, so the operator must know.
            endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SafetyGuardModule))
                .LogWarning("Unicode normalisation is unavailable in this process (invariant globalization or no ICU); SafetyGuard folds fullwidth ASCII only");
        }

        var api = endpoints.MapGroup("").WithGroupName(Name);
        api.MapCheckApi();
        api.MapDecisionsApi();
        return api;
    }
}
