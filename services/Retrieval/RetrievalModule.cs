using Platform.Retrieval.Api;
using Platform.Retrieval.Index;
using Platform.Retrieval.Index.Hnsw;
using Platform.Retrieval.Index.Qdrant;
using Platform.Retrieval.Messaging;
using Platform.Retrieval.Search;
using Platform.Retrieval.Text;
using Platform.Messaging;
using Platform.Contracts.Inference;
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

    /// <summary>The configured backend's key; the unkeyed IVectorIndex is it wrapped with the text index.</summary>
    private const string BackendKey = "backend";

    public static IHostApplicationBuilder AddRetrieval(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(Name, RetrievalMigrations.All);
        builder.Services.AddOptions<RetrievalOptions>()
            .Bind(builder.Configuration.GetSection(RetrievalOptions.SectionName))
            .Validate(o => o.MaxUpsertBodyBytes >= 1024, "Retrieval:MaxUpsertBodyBytes must be at least 1024.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ExactVectorIndex>();
        var backend = builder.Configuration.GetSection(RetrievalOptions.SectionName).Get<RetrievalOptions>()?.Backend
            ?? (string.IsNullOrEmpty(builder.Configuration[$"{QdrantOptions.SectionName}:Url"]) ? RetrievalBackend.Hnsw : RetrievalBackend.Qdrant);
        switch (backend)
        {
            case RetrievalBackend.Exact:
                builder.Services.AddKeyedSingleton<IVectorIndex>(BackendKey, (provider, _) => provider.GetRequiredService<ExactVectorIndex>());
                break;
            case RetrievalBackend.Hnsw:
                AddHnsw(builder);
                break;
            case RetrievalBackend.Qdrant:
                AddQdrant(builder);
                break;
            default:
                throw new InvalidOperationException($"Retrieval:Backend '{backend}' is not a backend.");
        }

        builder.Services.AddSingleton(new RetrievalBackendInfo(backend));
        // Every backend gets the BM25 text index kept beside it, and hybrid search over both.
        builder.Services.AddSingleton(provider => new TextIndexingVectorIndex(
            provider.GetRequiredKeyedService<IVectorIndex>(BackendKey), provider.GetRequiredService<ExactVectorIndex>()));
        builder.Services.AddSingleton<IVectorIndex>(provider => provider.GetRequiredService<TextIndexingVectorIndex>());
        builder.Services.AddSingleton<IQueryEmbedder, BusQueryEmbedder>();
        builder.Services.AddSingleton<HybridSearch>();
        builder.Services.AddBusRegistrations(bus =>
        {
            bus.AddConsumer<SearchChunksConsumer>();
            bus.AddConsumer<UpsertChunksConsumer>();
            bus.AddConsumer<DeleteDocumentChunksConsumer>();
            // Queries without a vector are embedded by Inference's default embedding model.
            bus.AddRequestClient<Embed>();
        });
        return builder;
    }

    private static void AddHnsw(IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(HnswOptions.SectionName).Get<HnswOptions>() ?? new HnswOptions();
        if (options.M < 2 || options.EfConstruction < 1 || options.EfSearch < 1 || options.FlushInterval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Retrieval:Hnsw needs M >= 2, EfConstruction >= 1, EfSearch >= 1 and a positive FlushInterval.");
        }

        var storage = builder.Configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var directory = Path.Combine(Path.GetFullPath(storage.DataDirectory), "retrieval");
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(provider => new HnswVectorIndex(
            provider.GetRequiredService<ExactVectorIndex>(), options, directory, provider.GetRequiredService<ILogger<HnswVectorIndex>>()));
        builder.Services.AddKeyedSingleton<IVectorIndex>(BackendKey, (provider, _) => provider.GetRequiredService<HnswVectorIndex>());
        builder.Services.AddHostedService<HnswMaintenance>();
    }

    private static void AddQdrant(IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(QdrantOptions.SectionName).Get<QdrantOptions>() ?? new QdrantOptions();
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out _) || options.Timeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException("Retrieval:Backend is qdrant: set Retrieval:Qdrant:Url to Qdrant's REST address (e.g. http://127.0.0.1:6333) and a positive Timeout.");
        }

        builder.Services.AddSingleton(options);
        builder.Services.AddHttpClient(nameof(QdrantClient));
        builder.Services.AddSingleton(provider => new QdrantClient(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(QdrantClient)), options));
        builder.Services.AddKeyedSingleton<IVectorIndex>(BackendKey, (provider, _) => new QdrantVectorIndex(
            provider.GetRequiredService<ExactVectorIndex>(), provider.GetRequiredService<QdrantClient>(), options));
    }

    public static RouteGroupBuilder MapRetrieval(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("").WithGroupName(Name);
        api.MapCollectionsApi();
        api.MapSearchApi();
        return api;
    }
}
