using Platform.Contracts.Inference;

namespace Platform.Inference.Models;

/// <summary>
/// Why an inference request was not computed: a reason from <see cref="InferenceRejectionReasons"/>
/// (HTTP and the bus map the same reasons), a detail for people, field errors for bad inputs and,
/// when the queue was full, how long to wait.
/// </summary>
public sealed class InferenceFailure(string reason, string detail, IDictionary<string, string[]>? errors = null, TimeSpan? retryAfter = null)
    : Exception(detail)
{
    public string Reason { get; } = reason;

    public IDictionary<string, string[]>? Errors { get; } = errors;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}
