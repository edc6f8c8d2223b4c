using Platform.Ingest.Api;
using Platform.Ingest.Chunking;
using Platform.Ingest.Documents;
using Platform.Ingest.Storage;
using Platform.ServiceDefaults;
using Platform.Storage;

namespace Platform.Ingest;

/// <summary>
/// Ingest: documents, their chunks and ingestion status. Every host that runs it calls
/// <see cref="AddIngest"/> and <see cref="MapIngest"/>.
/// </summary>
public static class IngestModule
{
    public const string Name = PlatformServices.Ingest;

    public static IHostApplicationBuilder AddIngest(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(Name, IngestMigrations.All);
        builder.Services.AddOptions<IngestOptions>()
            .Bind(builder.Configuration.GetSection(IngestOptions.SectionName))
            .Validate(o => o.MaxDocumentChars is >= 1 and <= 100_000_000, "Ingest:MaxDocumentChars must be between 1 and 100000000.")
            .ValidateOnStart();
        builder.Services.AddOptions<ChunkingOptions>()
            .Bind(builder.Configuration.GetSection(ChunkingOptions.SectionName))
            .Validate(o => o.Problem() is null, "Ingest:Chunking: MaxChunkChars must be 50..100000 and OverlapChars 0..MaxChunkChars/2 (exclusive).")
            .ValidateOnStart();
        builder.Services.AddSingleton<DocumentStore>();
        return builder;
    }

    public static RouteGroupBuilder MapIngest(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("").WithGroupName(Name);
        api.MapDocumentsApi();
        return api;
    }
}
