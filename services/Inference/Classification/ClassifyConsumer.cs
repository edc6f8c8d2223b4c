using MassTransit;
using Platform.Contracts.Inference;
using Platform.Inference.Embeddings;
using Platform.Inference.Models;

namespace Platform.Inference.Classification;

/// <summary>Answers <see cref="Classify"/> with <see cref="Classified"/> or <see cref="InferenceRejected"/>.</summary>
public sealed class ClassifyConsumer(OnnxInference inference) : IConsumer<Classify>
{
    public async Task Consume(ConsumeContext<Classify> context)
    {
        var message = context.Message;
        try
        {
            var inputs = BusInputs.Check(message.Texts, inference.Options.MaxInputs);
            var batcher = inference.Resolve(message.Model ?? "", ModelKind.Classifier);
            var tokenized = inference.Tokenize(batcher.Model, inputs, "texts");
            var logits = await inference.RunAsync(batcher, tokenized, context.CancellationToken);
            var results = logits.Select(row => OnnxInference.Scores(row, batcher.Model.Descriptor.Labels)).ToArray();
            await context.RespondAsync(new Classified(message.Model!, results, tokenized.PromptTokens, tokenized.TruncatedIndexes.Count));
        }
        catch (InferenceFailure failure)
        {
            await context.RespondAsync(new InferenceRejected(failure.Reason, failure.Message));
        }
    }
}
