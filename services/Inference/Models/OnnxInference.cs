using Microsoft.Extensions.Options;
using Platform.Contracts.Inference;
using Platform.Inference.Batching;

namespace Platform.Inference.Models;

/// <summary>
/// Embedding and classification over the loaded ONNX models, shared by the HTTP API and the bus
/// consumers: model lookup, tokenisation with the configured truncation, then the model's batcher.
/// Every refusal is an <see cref="InferenceFailure"/>.
/// </summary>
public sealed class OnnxInference(ModelRepository repository, OnnxModels models, IOptions<InferenceOptions> options)
{
    public InferenceOptions Options => options.Value;

    /// <summary>The model's batcher, or a failure: unknown (404), wrong kind, or not loaded.</summary>
    public ModelBatcher Resolve(string modelId, ModelKind kind)
    {
        var entry = repository.Find(modelId);
        if (entry is null)
        {
            throw new InferenceFailure(InferenceRejectionReasons.ModelNotFound, $"No model '{modelId}' is in the model repository.");
        }

        if (entry.Model is null)
        {
            throw new InferenceFailure(InferenceRejectionReasons.Unavailable, $"Model '{modelId}' is invalid: {entry.Reason}");
        }

        if (entry.Model.Kind != kind)
        {
            throw new InferenceFailure(
                InferenceRejectionReasons.WrongModelKind,
                $"Model '{modelId}' is a {KindName(entry.Model.Kind)} model; this needs a {KindName(kind)} model.",
                new Dictionary<string, string[]> { ["model"] = [$"must be a {KindName(kind)} model"] });
        }

        return models.Find(modelId)
            ?? throw new InferenceFailure(InferenceRejectionReasons.Unavailable, $"Model '{modelId}' is not loaded: {models.FailureOf(modelId) ?? "it is still loading"}.");
    }

    public TokenizedInputs Tokenize(OnnxModel model, IReadOnlyList<ModelInput> inputs, string field)
    {
        var maxLength = model.MaxSequenceLength;
        var sequences = new int[inputs.Count][];
        var truncated = new List<int>();
        var errors = new Dictionary<string, string[]>();
        var tokens = 0;
        for (var i = 0; i < inputs.Count; i++)
        {
            int[] ids;
            int fullLength;
            if (inputs[i].TokenIds is { } pieces)
            {
                var outside = Array.FindIndex(pieces, id => id < 0 || id >= model.Tokenizer.VocabularySize);
                if (outside >= 0)
                {
                    errors[$"{field}[{i}]"] = [$"token id {pieces[outside]} is outside the model's vocabulary (0 to {model.Tokenizer.VocabularySize - 1})"];
                    continue;
                }

                fullLength = pieces.Length + 2;
                var kept = Math.Min(pieces.Length, maxLength - 2);
                ids = new int[kept + 2];
                ids[0] = model.Tokenizer.ClsId;
                pieces.AsSpan(0, kept).CopyTo(ids.AsSpan(1));
                ids[^1] = model.Tokenizer.SepId;
            }
            else
            {
                var encoded = model.Tokenizer.Encode(inputs[i].Text ?? "", maxLength);
                ids = encoded.Ids;
                fullLength = encoded.FullLength;
            }

            if (fullLength > maxLength)
            {
                if (options.Value.Truncation == TruncationMode.Error)
                {
                    errors[$"{field}[{i}]"] = [$"is {fullLength} tokens; model '{model.Descriptor.Name}' takes at most {maxLength} (Inference:Truncation is 'error')"];
                    continue;
                }

                truncated.Add(i);
            }

            sequences[i] = ids;
            tokens += ids.Length;
        }

        if (errors.Count > 0)
        {
            var reason = errors.Values.Any(v => v[0].Contains("takes at most", StringComparison.Ordinal))
                ? InferenceRejectionReasons.InputTooLong
                : InferenceRejectionReasons.Invalid;
            throw new InferenceFailure(reason, string.Join("; ", errors.Select(e => $"{e.Key} {e.Value[0]}")), errors);
        }

        return new TokenizedInputs(sequences, tokens, truncated);
    }

    /// <summary>Runs the inputs through the model's batcher; maps queue and deadline refusals to failures.</summary>
    public async Task<float[][]> RunAsync(ModelBatcher batcher, TokenizedInputs inputs, CancellationToken cancellationToken)
    {
        try
        {
            var rows = await batcher.RunAsync(inputs.Sequences, cancellationToken);
            var tag = new KeyValuePair<string, object?>("model", batcher.Model.Descriptor.Name);
            OnnxTelemetry.Tokens.Add(inputs.PromptTokens, tag);
            OnnxTelemetry.TruncatedInputs.Add(inputs.TruncatedIndexes.Count, tag);
            return rows;
        }
        catch (QueueFullException full)
        {
            throw new InferenceFailure(InferenceRejectionReasons.Overloaded, full.Message + " Retry later.", retryAfter: full.RetryAfter);
        }
        catch (DeadlineExceededException late)
        {
            throw new InferenceFailure(InferenceRejectionReasons.DeadlineExceeded, late.Message);
        }
    }

    /// <summary>Softmax over a classifier's outputs, with the manifest's labels (or the output index), best first.</summary>
    public static IReadOnlyList<LabelScore> Scores(float[] logits, IReadOnlyList<string>? labels)
    {
        var max = logits.Max();
        var exp = logits.Select(l => MathF.Exp(l - max)).ToArray();
        var sum = exp.Sum();
        return [.. exp
            .Select((e, i) => new LabelScore(labels is not null && i < labels.Count ? labels[i] : i.ToString(System.Globalization.CultureInfo.InvariantCulture), e / sum))
            .OrderByDescending(s => s.Score)];
    }

    private static string KindName(ModelKind kind) => kind switch
    {
        ModelKind.Embedding => "embedding",
        ModelKind.Classifier => "classifier",
        _ => "generator-upstream",
    };
}
