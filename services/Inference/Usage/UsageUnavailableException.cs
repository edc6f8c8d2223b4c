namespace Platform.Inference.Usage;

/// <summary>Usage could not be committed to the outbox (database down, or the service is stopping): the answer is withheld.</summary>
public sealed class UsageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
