using MassTransit;
using Platform.Contracts.Inference;
using Platform.Inference.Models;

namespace Platform.Inference.Embeddings;

/// <summary>Answers <see cref="Embed"/> with <see cref="Embedded"/> or <see cref="InferenceRejected"/> (never a fault for bad input).</summary>
public sealed class EmbedConsumer(OnnxInference inference) : IConsumer<Embed>
{
    public async Task Consume(ConsumeContext<Embed> context)
    {
        var message = context.Message;
        var model = string.IsNullOrWhiteSpace(message.Model) ? inference.Options.DefaultEmbeddingModel : message.Model;
        try
        {
            var inputs = BusInputs.Check(message.Texts, inference.Options.MaxInputs);
            var batcher = inference.Resolve(model, ModelKind.Embedding);
            var tokenized = inference.Tokenize(batcher.Model, inputs, "texts");
            var vectors = await inference.RunAsync(batcher, tokenized, context.CancellationToken);
            await context.RespondAsync(new Embedded(model, batcher.Model.Descriptor.Dimensions!.Value, vectors, tokenized.PromptTokens, tokenized.TruncatedIndexes.Count));
        }
        catch (InferenceFailure failure)
        {
            await context.RespondAsync(new InferenceRejected(failure.Reason, failure.Message));
        }
    }
}
