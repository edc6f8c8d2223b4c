using Platform.CadGenerator.Storage;
using Platform.ServiceDefaults;
using Platform.Storage;

namespace Platform.CadGenerator;

/// <summary>
/// CadGenerator. Every host that runs it calls <see cref="AddCadGenerator"/> and <see cref="MapCadGenerator"/>.
/// </summary>
public static class CadGeneratorModule
{
    public const string Name = PlatformServices.CadGenerator;

    public static IHostApplicationBuilder AddCadGenerator(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(Name, CadGeneratorMigrations.All);
        return builder;
    }

    public static RouteGroupBuilder MapCadGenerator(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("").WithGroupName(Name);
        return api;
    }
}
