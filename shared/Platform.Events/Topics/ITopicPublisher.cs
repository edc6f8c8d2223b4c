using Platform.Events.CloudEvents;

namespace Platform.Events.Topics;

/// <summary>Publishes CloudEvents to their topics, in order; returns once the broker has all of them.</summary>
public interface ITopicPublisher
{
    Task PublishAsync(IReadOnlyList<(string Topic, CloudEvent Event)> events, CancellationToken cancellationToken);
}

/// <summary>In-memory transport (standalone): there is no broker that outside systems could read, so topics do not exist.</summary>
public sealed class NoTopicPublisher : ITopicPublisher
{
    public Task PublishAsync(IReadOnlyList<(string Topic, CloudEvent Event)> events, CancellationToken cancellationToken) => Task.CompletedTask;
}
