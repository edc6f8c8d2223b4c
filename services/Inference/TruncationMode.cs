namespace Platform.Inference;

/// <summary><c>Inference:Truncation</c>: what happens to an input longer than the model's maxSequenceLength.</summary>
public enum TruncationMode
{
    /// <summary>Cut to the limit; the response says how many inputs were cut (usage and a header).</summary>
    Truncate,

    /// <summary>Refuse the request with a 400 naming the inputs that are too long.</summary>
    Error,
}
