using Platform.CadGenerator.Api;
using Platform.CadGenerator.Storage;
using Platform.CadGenerator.Templates;
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
        builder.Services.AddSingleton(TemplateLibrary.Default);
        return builder;
    }

    public static RouteGroupBuilder MapCadGenerator(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("").WithGroupName(Name);
        api.MapTemplatesApi();
        return api;
    }
}
