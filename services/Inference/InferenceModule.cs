using Platform.Inference.Api;
using Platform.Inference.Models;
using Platform.Inference.Storage;
using Platform.Inference.Upstream;
using Platform.Inference.Usage;
using Platform.Messaging;
using Platform.ServiceDefaults;
using Platform.Storage;

namespace Platform.Inference;

/// <summary>
/// Inference: the model repository (and, as it grows, ONNX sessions, batching and the upstream
/// proxy). Every host that runs it calls <see cref="AddInference"/> and <see cref="MapInference"/>.
/// </summary>
public static class InferenceModule
{
    public const string Name = PlatformServices.Inference;

    public static IHostApplicationBuilder AddInference(this IHostApplicationBuilder builder)
    {
        builder.AddServiceDatabase(Name, InferenceMigrations.All);
        builder.Services.AddOptions<InferenceOptions>().Bind(builder.Configuration.GetSection(InferenceOptions.SectionName));
        builder.Services.AddSingleton<ModelRepository>();
        builder.Services.AddHostedService<ModelRepositoryStartup>();

        // Usage to Billing: group-committed to the transactional outbox, relayed after commit (Usage/).
        builder.Services.AddBusOutbox(Name);
        builder.Services.AddOptions<UsageOptions>().Bind(builder.Configuration.GetSection(UsageOptions.SectionName));
        builder.Services.AddSingleton<UsageOutbox>();
        builder.Services.AddHostedService(services => services.GetRequiredService<UsageOutbox>());
        builder.Services.AddBusRegistrations(bus => bus.AddConsumer<UsageReplyConsumer>().Endpoint(endpoint =>
        {
            endpoint.Name = UsageReplyConsumer.EndpointName;
            // Only the answers sent here (the reports' response address), not every published Billing answer.
            endpoint.ConfigureConsumeTopology = false;
        }));

        // ONNX models (sessions per model on Inference:Device, dynamic batching, embeddings and
        // classification over HTTP and the bus): Models/, Batching/, Embeddings/, Classification/.
        builder.AddInferenceOnnx();
        // End of the ONNX models.

        // Upstream LLM proxy (chat completions, Generate on the bus): services/Inference/Upstream.
        builder.AddInferenceUpstream();
        // End of the upstream LLM proxy.
        return builder;
    }

    public static RouteGroupBuilder MapInference(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("").WithGroupName(Name);
        api.MapModelsApi();

        // ONNX models: POST /v1/embeddings, POST /v1/classify.
        api.MapOnnxInference();

        // Upstream LLM proxy: POST /v1/chat/completions.
        api.MapChatCompletionsApi();
        return api;
    }
}
