using Platform.Contracts.Inference;
using Platform.Inference.Models;

namespace Platform.Inference.Embeddings;

/// <summary>The checks the HTTP reader makes, for the texts of a bus request.</summary>
public static class BusInputs
{
    public static IReadOnlyList<ModelInput> Check(IReadOnlyList<string>? texts, int maxInputs)
    {
        if (texts is null || texts.Count == 0)
        {
            throw new InferenceFailure(InferenceRejectionReasons.Invalid, "texts must hold at least one text.");
        }

        if (texts.Count > maxInputs)
        {
            throw new InferenceFailure(InferenceRejectionReasons.Invalid, $"texts has {texts.Count} texts; at most {maxInputs} are allowed per request.");
        }

        for (var i = 0; i < texts.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(texts[i]))
            {
                throw new InferenceFailure(InferenceRejectionReasons.Invalid, $"texts[{i}] must not be empty.");
            }
        }

        return [.. texts.Select(ModelInput.FromText)];
    }
}
