using Platform.SafetyGuard.Storage;
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
        builder.AddServiceDatabase(Name, SafetyGuardMigrations.All);
        return builder;
    }

    public static RouteGroupBuilder MapSafetyGuard(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("").WithGroupName(Name);
        return api;
    }
}
