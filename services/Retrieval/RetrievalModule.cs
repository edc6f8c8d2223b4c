using Platform.Retrieval.Storage;
using Platform.ServiceDefaults;
using Platform.Storage;

namespace Platform.Retrieval;

/// <summary>
/// Retrieval. Every host that runs it calls <see cref="AddRetrieval"/> and <see cref="MapRetrieval"/>.
/// </summary>
public static class RetrievalModule
{
    public const string Name = PlatformServices.Retrieval;

    public static IHostApplicationBuilder AddRetrieval(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(Name, RetrievalMigrations.All);
        return builder;
    }

    public static RouteGroupBuilder MapRetrieval(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("").WithGroupName(Name);
        return api;
    }
}
