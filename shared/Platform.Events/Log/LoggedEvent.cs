namespace Platform.Events.Log;

/// <summary>One row of the event log: the CloudEvent exactly as it was sent (<see cref="Body"/>).</summary>
public sealed class LoggedEvent
{
    public long Sequence { get; set; }

    public string Id { get; set; } = "";

    public string Type { get; set; } = "";

    public string AccountId { get; set; } = "";

    public string Subject { get; set; } = "";

    public long Time { get; set; }

    public string Body { get; set; } = "";
}
