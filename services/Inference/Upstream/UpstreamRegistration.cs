using Microsoft.Extensions.Options;
using Platform.Inference.Tokenizers.Bpe;
using Platform.Messaging;

namespace Platform.Inference.Upstream;

/// <summary>The upstream LLM proxy's part of the Inference module: options, clients, the bus consumer and the endpoint.</summary>
public static class UpstreamRegistration
{
    public static IHostApplicationBuilder AddInferenceUpstream(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<UpstreamOptions>().Bind(builder.Configuration.GetSection(UpstreamOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<UpstreamOptions>, UpstreamOptionsValidator>();
        // Timeouts are the route's, per attempt (UpstreamClient); HttpClient's own would cut streams off.
        services.AddHttpClient(UpstreamClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddSingleton(_ => Gpt2Tokenizer.Load(Gpt2Tokenizer.DefaultDirectory));
        services.AddSingleton<ChatTokenCounter>();
        services.AddSingleton<UpstreamRouter>();
        services.AddSingleton<UpstreamClient>();
        services.AddSingleton<UsageReporter>();
        services.AddSingleton<ChatCompletionService>();
        services.AddSingleton<ChatStreamRelay>();
        services.AddBusRegistrations(bus => bus.AddConsumer<GenerateConsumer>());
        return builder;
    }
}
