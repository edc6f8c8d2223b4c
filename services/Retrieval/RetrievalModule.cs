using Platform.Retrieval.Api;
using Platform.Retrieval.Index;
using Platform.Retrieval.Storage;
using Platform.ServiceDefaults;
using Platform.Storage;

namespace Platform.Retrieval;

/// <summary>
/// Retrieval: per-account vector collections and search. Every host that runs it calls
/// <see cref="AddRetrieval"/> and <see cref="MapRetrieval"/>.
/// </summary>
public static class RetrievalModule
{
    public const string Name = PlatformServices.Retrieval;

    public static IHostApplicationBuilder AddRetrieval(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(Name, RetrievalMigrations.All);
        builder.Services.AddOptions<RetrievalOptions>()
            .Bind(builder.Configuration.GetSection(RetrievalOptions.SectionName))
            .Validate(o => o.MaxUpsertBodyBytes >= 1024, "Retrieval:MaxUpsertBodyBytes must be at least 1024.")
            .ValidateOnStart();
        // The exact index is the only backend so far; HNSW and Qdrant will be chosen here by configuration.
        builder.Services.AddSingleton<IVectorIndex, ExactVectorIndex>();
        return builder;
    }

    public static RouteGroupBuilder MapRetrieval(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("").WithGroupName(Name);
        api.MapCollectionsApi();
        return api;
    }
}
