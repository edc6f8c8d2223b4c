using Platform.Ingest.Storage;
using Platform.ServiceDefaults;
using Platform.Storage;

namespace Platform.Ingest;

/// <summary>
/// Ingest. Every host that runs it calls <see cref="AddIngest"/> and <see cref="MapIngest"/>.
/// </summary>
public static class IngestModule
{
    public const string Name = PlatformServices.Ingest;

    public static IHostApplicationBuilder AddIngest(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(Name, IngestMigrations.All);
        return builder;
    }

    public static RouteGroupBuilder MapIngest(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("").WithGroupName(Name);
        return api;
    }
}
