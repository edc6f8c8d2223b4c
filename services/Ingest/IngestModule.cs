using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Platform.Contracts.Billing;
using Platform.Contracts.Inference;
using Platform.Contracts.Retrieval;
using Platform.Ingest.Api;
using Platform.Ingest.Ingestion;
using Platform.Messaging;
using Platform.Messaging.Sagas;
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
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ChunkingOptions>, ChunkingOptionsValidator>();
        builder.Services.AddSingleton<DocumentChunker>();
        builder.Services.AddHostedService<ChunkerStartup>();
        builder.Services.AddOptions<IngestionOptions>()
            .Bind(builder.Configuration.GetSection(IngestionOptions.SectionName))
            .Validate(o => o.Problem() is null, "Ingest:Ingestion: BatchSize 1..256, StepTimeoutSeconds 1..3600, ConcurrentBatches 1..256, OverloadRetries 0..20, EmbeddingModel not blank.")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DocumentStore>();
        builder.Services.AddBusOutbox(Name);

        var ingestion = builder.Configuration.GetSection(IngestionOptions.SectionName).Get<IngestionOptions>() ?? new IngestionOptions();
        var concurrency = Math.Clamp(ingestion.ConcurrentBatches, 1, 256);
        builder.Services.AddBusScheduler(Name);
        builder.Services.AddBusRegistrations(bus =>
        {
            bus.AddSagaStateMachine<IngestionStateMachine, IngestionSaga>().DatabaseRepository(Name);
            bus.AddConsumer<EmbedChunkBatchConsumer>().Endpoint(e => e.ConcurrentMessageLimit = concurrency);
            bus.AddConsumer<UpsertChunkBatchConsumer>().Endpoint(e => e.ConcurrentMessageLimit = concurrency);
            bus.AddConsumer<MeterDocumentUsageConsumer>();
            bus.AddRequestClient<Embed>();
            bus.AddRequestClient<UpsertChunks>();
            bus.AddRequestClient<RecordUsage>();
        });
        return builder;
    }

    public static RouteGroupBuilder MapIngest(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("").WithGroupName(Name);
        api.MapDocumentsApi();
        return api;
    }
}
