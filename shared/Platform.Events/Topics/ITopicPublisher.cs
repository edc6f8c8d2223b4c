using Platform.Events.CloudEvents;

namespace Platform.Events.Topics;

/// <summary>Publishes a CloudEvent to its topic; returns once the broker has it.</summary>
public interface ITopicPublisher
{
    Task PublishAsync(string topic, CloudEvent cloudEvent, CancellationToken cancellationToken);
}

/// <summary>In-memory transport (standalone): there is no broker that outside systems could read, so topics do not exist.</summary>
public sealed class NoTopicPublisher : ITopicPublisher
{
    public Task PublishAsync(string topic, CloudEvent cloudEvent, CancellationToken cancellationToken) => Task.CompletedTask;
}
