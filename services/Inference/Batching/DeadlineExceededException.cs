namespace Platform.Inference.Batching;

/// <summary>The request's deadline (Inference:Batching:RequestTimeoutMs) passed before its inputs were computed.</summary>
public sealed class DeadlineExceededException(string model, TimeSpan timeout)
    : Exception($"Model '{model}' did not compute the request within {timeout.TotalMilliseconds:0} ms.");
