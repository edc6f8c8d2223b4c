namespace Platform.Messaging.Outbox;

public sealed class OutboxOptions
{
    public required string DatabaseName { get; init; }

    /// <summary>How often the relay looks for messages when nothing woke it (commits in this process wake it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    public int BatchSize { get; set; } = 500;
}
