namespace Platform.Events.Webhooks;

/// <summary>Exponential backoff with jitter: the base delay after the first failure, doubling, capped.</summary>
public static class RetryBackoff
{
    /// <summary>How long to wait after <paramref name="failedAttempts"/> failed attempts (1 = after the first).</summary>
    public static TimeSpan After(int failedAttempts, WebhookOptions options, Random? random = null)
    {
        var exponent = Math.Clamp(failedAttempts - 1, 0, 30);
        var delay = Math.Min((double)options.RetryMaxDelayMs, options.RetryBaseDelayMs * Math.Pow(2, exponent));
        // +-20 %: endpoints that failed together do not all come back at the same instant.
        var jitter = 0.8 + ((random ?? Random.Shared).NextDouble() * 0.4);
        return TimeSpan.FromMilliseconds(Math.Max(1, delay * jitter));
    }
}
