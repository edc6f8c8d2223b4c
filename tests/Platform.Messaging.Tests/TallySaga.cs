using MassTransit;

namespace Platform.Messaging.Tests;

/// <summary>A test saga: counts additions, completes at a target, or times out on a schedule.</summary>
public sealed class TallySaga : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }

    public int Version { get; set; }

    public string CurrentState { get; set; } = "";

    public int Total { get; set; }

    public int Additions { get; set; }

    public int Target { get; set; }

    public Guid? DeadlineToken { get; set; }
}

public sealed record StartTally(Guid TallyId, int Target, int DeadlineMs);

public sealed record AddToTally(Guid TallyId, int Amount);

public sealed record TallyDeadline(Guid TallyId);

public sealed record TallyFinished(Guid TallyId, int Total, bool TimedOut);

public sealed class TallyStateMachine : MassTransitStateMachine<TallySaga>
{
    public TallyStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Started, e => e.CorrelateById(m => m.Message.TallyId));
        Event(() => Added, e => e.CorrelateById(m => m.Message.TallyId));
        Schedule(() => Deadline, x => x.DeadlineToken, s => s.Received = e => e.CorrelateById(m => m.Message.TallyId));

        Initially(
            When(Started)
                .Then(c => c.Saga.Target = c.Message.Target)
                .Schedule(Deadline, c => new TallyDeadline(c.Saga.CorrelationId), c => TimeSpan.FromMilliseconds(c.Message.DeadlineMs))
                .TransitionTo(Counting));

        During(Counting,
            When(Added)
                .Then(c =>
                {
                    c.Saga.Total += c.Message.Amount;
                    c.Saga.Additions++;
                })
                .If(c => c.Saga.Additions >= c.Saga.Target, done => done
                    .Unschedule(Deadline)
                    .Publish(c => new TallyFinished(c.Saga.CorrelationId, c.Saga.Total, false))
                    .TransitionTo(Done)),
            When(Deadline.Received)
                .Publish(c => new TallyFinished(c.Saga.CorrelationId, c.Saga.Total, true))
                .TransitionTo(TimedOut));

        // Additions may arrive before the start (out of order): they wait in the retry until it exists.
        Initially(When(Added).Then(c => throw new InvalidOperationException("tally not started yet")));
    }

    public State Counting { get; private set; } = null!;

    public State Done { get; private set; } = null!;

    public State TimedOut { get; private set; } = null!;

    public Event<StartTally> Started { get; private set; } = null!;

    public Event<AddToTally> Added { get; private set; } = null!;

    public Schedule<TallySaga, TallyDeadline> Deadline { get; private set; } = null!;
}
