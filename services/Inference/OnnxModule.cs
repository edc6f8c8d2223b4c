using Platform.Inference.Classification;
using Platform.Inference.Embeddings;
using Platform.Inference.Models;
using Platform.Messaging;

namespace Platform.Inference;

/// <summary>The ONNX half of Inference: sessions, batching, embeddings and classification (HTTP and bus).</summary>
public static class OnnxModule
{
    public static IHostApplicationBuilder AddInferenceOnnx(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<OnnxSessionFactory>();
        builder.Services.AddSingleton<OnnxModels>();
        // After ModelRepositoryStartup (registered first), before the server takes requests;
        // Inference:Device=cuda without CUDA throws here, so the service does not start.
        builder.Services.AddHostedService(services => services.GetRequiredService<OnnxModels>());
        builder.Services.AddSingleton<OnnxInference>();
        builder.Services.AddBusRegistrations(bus =>
        {
            bus.AddConsumer<EmbedConsumer>();
            bus.AddConsumer<ClassifyConsumer>();
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapOnnxInference(this IEndpointRouteBuilder api)
    {
        api.MapEmbeddingsApi();
        api.MapClassifyApi();
        return api;
    }
}
