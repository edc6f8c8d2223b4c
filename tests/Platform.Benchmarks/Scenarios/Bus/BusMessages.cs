using MassTransit;

namespace Platform.Benchmarks.Scenarios.Bus;

/// <summary>The request of the bus scenario. The raw baseline sends the same type as JSON so both sides serialise.</summary>
public sealed record BusBenchmarkPing(Guid Id, long SentAtTicks);

public sealed record BusBenchmarkPong(Guid Id, long SentAtTicks);

/// <summary>Answers at once: the scenario measures the bus, not the work.</summary>
public sealed class BusBenchmarkPingConsumer : IConsumer<BusBenchmarkPing>
{
    public Task Consume(ConsumeContext<BusBenchmarkPing> context) =>
        context.RespondAsync(new BusBenchmarkPong(context.Message.Id, context.Message.SentAtTicks));
}
