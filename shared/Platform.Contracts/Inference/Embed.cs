namespace Platform.Contracts.Inference;

// Inference's ONNX models on the bus, for other services (Ingest embeds chunks, Agents classify).
// Each request is answered with exactly one of its result or InferenceRejected.

/// <summary>
/// Embeds <paramref name="Texts"/> (1 to 2048) with <paramref name="Model"/> (null: the default embedding model).
/// Answered with <see cref="Embedded"/> or <see cref="InferenceRejected"/>. Usage is NOT reported to
/// Billing for bus requests (as for Generate): the requester meters <see cref="Embedded.PromptTokens"/>
/// itself, against its own reservation, so it is never charged twice.
/// </summary>
public sealed record Embed(IReadOnlyList<string> Texts, string? Model = null);

/// <summary>One unit-length vector per text, in order. <paramref name="TruncatedInputs"/> texts were cut to the model's maximum length.</summary>
public sealed record Embedded(string Model, int Dimensions, IReadOnlyList<float[]> Vectors, int PromptTokens, int TruncatedInputs);

/// <summary>
/// The request was not computed. <paramref name="Reason"/> is one of <see cref="InferenceRejectionReasons"/>;
/// <paramref name="Detail"/> is for people.
/// </summary>
public sealed record InferenceRejected(string Reason, string Detail);

public static class InferenceRejectionReasons
{
    public const string Invalid = "invalid";
    public const string ModelNotFound = "model-not-found";
    public const string WrongModelKind = "wrong-model-kind";
    public const string InputTooLong = "input-too-long";
    public const string Overloaded = "overloaded";
    public const string DeadlineExceeded = "deadline-exceeded";
    public const string Unavailable = "unavailable";
}
