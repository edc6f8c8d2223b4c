namespace Platform.Messaging.Scheduling;

/// <summary>Which database keeps the timers, and how often they are looked at.</summary>
public sealed class SchedulerOptions
{
    public required string DatabaseName { get; init; }

    /// <summary>How often due messages are sent; timers fire at most this late (plus the send).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    public int BatchSize { get; init; } = 200;
}
