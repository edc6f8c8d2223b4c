namespace Platform.Inference.Models;

/// <summary>
/// One input to an ONNX model: text, or WordPiece ids of the model's vocabulary without
/// <c>[CLS]</c>/<c>[SEP]</c> (those are added, as for text).
/// </summary>
public sealed record ModelInput(string? Text, int[]? TokenIds)
{
    public static ModelInput FromText(string text) => new(text, null);

    public static ModelInput FromTokens(int[] ids) => new(null, ids);
}
